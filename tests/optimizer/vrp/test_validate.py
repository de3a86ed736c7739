"""The independent validator: a feasible solution passes, each kind of breakage is caught."""

from __future__ import annotations

import pytest

from optimizer.vrp import VrpInstance, validate

VALID = [[1, 2], [3], [4]]
VALID_CLASSES = [0, 0, 1]


def test_a_feasible_solution_has_no_violations(tiny: VrpInstance) -> None:
    assert validate(tiny, VALID, VALID_CLASSES, cost=74) == []


@pytest.mark.parametrize(
    ("routes", "classes", "kinds"),
    [
        # client 7 does not exist
        ([[1, 2], [3], [4, 7]], [0, 0, 1], {"unknown"}),
        # client 4 twice on the special vehicle (load and shift still fit)
        ([[1, 2], [3], [4, 4]], [0, 0, 1], {"duplicate"}),
        # client 3 never visited
        ([[1, 2], [4]], [0, 1], {"missing"}),
        # 3 + 3 units on a vehicle of 5 (times still fit)
        ([[3, 1], [2], [4]], [0, 0, 1], {"capacity"}),
        # 3 is reached at 64 after waiting at 2; due by 15 (and back at 79 > 60)
        ([[2, 3], [1], [4]], [0, 0, 1], {"window"}),
        # every client on time, but back at the depot at 79 after it closes at 60
        ([[2, 1], [3], [4]], [0, 0, 1], {"window"}),
        # the special vehicle's route takes 60 against its 30-unit shift
        ([[1], [3], [4, 2]], [0, 0, 1], {"shift"}),
        # three routes on the two ordinary vehicles
        ([[1], [2], [3], [4]], [0, 0, 0, 1], {"fleet"}),
        # client 4 needs the special vehicle
        ([[1, 2], [3, 4]], [0, 0], {"vehicle"}),
        # no vehicle class 5: its route is not checked, so 4 counts as missing
        ([[1, 2], [3], [4]], [0, 0, 5], {"vehicle", "missing"}),
        # fewer classes than routes
        ([[1, 2], [3], [4]], [0, 0], {"vehicle"}),
    ],
)
def test_each_kind_of_violation_is_caught(
    tiny: VrpInstance, routes: list[list[int]], classes: list[int], kinds: set[str]
) -> None:
    assert {v.kind for v in validate(tiny, routes, classes)} == kinds


def test_a_depot_return_after_closing_is_named_as_such(tiny: VrpInstance) -> None:
    [violation] = validate(tiny, [[2, 1], [3], [4]], [0, 0, 1])
    assert "depot" in violation.detail and violation.route == 0


def test_a_wrong_claimed_cost_is_caught(tiny: VrpInstance) -> None:
    assert [v.kind for v in validate(tiny, VALID, VALID_CLASSES, cost=75)] == ["cost"]
