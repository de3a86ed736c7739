"""The routing engine: benchmark instances solved and validated, special clients, prizes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from benchmarks.vrp_instances import read_instance
from optimizer.vrp import VrpInstance, solve_routes, validate
from tests.optimizer.vrp.conftest import shared


def test_e_n13_k4_is_solved_to_its_best_known_cost() -> None:
    inst = read_instance(shared("cvrp/E-n13-k4.vrp"))
    result = solve_routes(inst, time_limit_s=0.5, seed=1)
    assert result.feasible
    assert validate(inst, result.routes, result.vehicle_classes, cost=result.cost) == []
    assert result.cost == inst.bks == 247


def test_a_solomon_instance_is_routed_feasibly_within_its_windows() -> None:
    inst = read_instance(shared("vrptw/R101.txt"))
    result = solve_routes(inst, time_limit_s=1.0)
    assert result.feasible and result.unserved == ()
    assert validate(inst, result.routes, result.vehicle_classes, cost=result.cost) == []
    assert inst.bks is not None and result.cost >= inst.bks - 1e-6  # no better than the BKS


def test_special_clients_ride_only_on_special_vehicles(tiny: VrpInstance) -> None:
    result = solve_routes(tiny, time_limit_s=0.2, no_improvement=200)
    assert result.feasible
    assert validate(tiny, result.routes, result.vehicle_classes, cost=result.cost) == []
    [special_route] = [
        r for r, k in zip(result.routes, result.vehicle_classes, strict=True) if k == 1
    ]
    assert 4 in special_route


def test_optional_clients_that_cannot_fit_are_left_out_at_their_prize(tiny: VrpInstance) -> None:
    # Clients are worth their index x 1000; the lone special vehicle is the
    # only one left, so 3 (due by 15, 4 is west) cannot join 4's route and
    # the vehicle takes what is worth most within its shift and capacity.
    fleet = (tiny.vehicles[1],)
    inst = dataclasses.replace(
        tiny, vehicles=fleet, prizes=np.array([0, 1000, 2000, 3000, 4000], dtype=np.int64)
    )
    result = solve_routes(inst, time_limit_s=0.2, no_improvement=200)
    assert result.feasible and result.unserved
    assert validate(inst, result.routes, result.vehicle_classes) == []
    assert 4 in result.routes[0]


def test_an_instance_without_clients_needs_no_search(tiny: VrpInstance) -> None:
    empty = VrpInstance(name="empty", distances=np.zeros((1, 1), np.int64),
                        demands=np.zeros(1, np.int64), vehicles=tiny.vehicles)  # fmt: skip
    result = solve_routes(empty, time_limit_s=1.0)
    assert result.routes == () and result.feasible and result.cost == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_limit_s": 0.0},  # no budget
        {"time_limit_s": 1.0, "no_improvement": 0},  # a stop that never lets it start
    ],
)
def test_bad_budgets_are_refused(tiny: VrpInstance, kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Expected"):
        solve_routes(tiny, **kwargs)  # type: ignore[arg-type]
