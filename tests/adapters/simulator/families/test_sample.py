"""Random draws of families and knobs: reproducible, inside the stated space, all generated."""

from __future__ import annotations

import pytest

from adapters.simulator.families import FamilyError, generate, sample
from adapters.simulator.families.sample import KNOBS_PER_DRAW, SLOW_FAMILIES, SPACE, Span
from tests.adapters.simulator.families.checks import unserved_lines


def test_the_same_seed_draws_the_same_scenarios_and_another_does_not() -> None:
    assert sample(6, 3) == sample(6, 3)
    assert sample(6, 3) != sample(6, 4)
    assert sample(3, 3) == sample(6, 3)[:3]


def test_every_draw_is_inside_the_space_and_makes_a_network_every_policy_can_serve() -> None:
    draws = sample(12, 11)
    assert {d.family for d in draws}.isdisjoint(SLOW_FAMILIES)
    assert len({d.family for d in draws}) >= 4
    for draw in draws:
        drawn = set(draw.overrides) - {"lead_min_days"}
        assert KNOBS_PER_DRAW[0] <= len(drawn) <= KNOBS_PER_DRAW[1]
        assert drawn <= set(SPACE)
        for key, value in draw.overrides.items():
            space = SPACE.get(key)
            if isinstance(space, Span):
                assert space.low <= float(value) <= space.high, (key, value)
        if "lead_min_days" in draw.overrides:
            assert int(draw.overrides["lead_min_days"]) <= int(draw.overrides["lead_max_days"])
        assert unserved_lines(generate(draw.family, draw.seed, draw.overrides)) == []


def test_the_families_asked_for_are_the_ones_drawn() -> None:
    assert {d.family for d in sample(8, 5, ["metro", "tight"])} == {"metro", "tight"}
    with pytest.raises(FamilyError, match="nope"):
        sample(2, 5, ["metro", "nope"])
    with pytest.raises(ValueError, match="count"):
        sample(0, 5)
