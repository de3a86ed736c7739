"""`generate`: the same family, seed and overrides give the same scenario."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest

from adapters.simulator.families import DISRUPTION_KINDS, KnobError, generate, to_toml
from supplysync.scenario import PlanningSettings
from tests.conftest import ROOT


def test_same_arguments_give_identical_text() -> None:
    sets = {"days": "8", "timing": "early"}
    assert to_toml(generate("regional", 5, sets)) == to_toml(generate("regional", 5, dict(sets)))


def test_seeds_differ() -> None:
    texts = {to_toml(generate("metro", seed)) for seed in range(4)}
    assert len(texts) == 4


def test_the_global_random_state_does_not_matter() -> None:
    random.seed(1)
    first = to_toml(generate("tight", 3))
    random.seed(2)
    assert to_toml(generate("tight", 3)) == first


def test_other_disruptions_or_days_keep_the_network() -> None:
    base = generate("single", 4)
    for kind in DISRUPTION_KINDS:
        other = generate("single", 4, {"disruptions": kind, "days": "9"})
        assert other.network == base.network
        assert [d.kind for d in other.disruptions] == [kind]


def test_name_description_and_simulation_seed_follow_the_arguments() -> None:
    assert generate("national", 11).name == "national-11"
    s = generate("national", 11, {"days": "8", "timing": "late"})
    assert s.name == "national-11 (days=8, timing=late)"
    assert s.description.endswith("(family national, seed 11)")
    assert s.simulation.seed == 11
    assert s.simulation.start.isoformat() == "2026-03-02T00:00:00+00:00"


def test_planning_keeps_the_project_defaults_unless_a_knob_says_otherwise() -> None:
    assert generate("metro", 1).planning == PlanningSettings()
    assert generate("metro", 1, {"horizon_periods": "5"}).planning.horizon_periods == 5


def test_a_bad_override_raises_naming_it() -> None:
    with pytest.raises(KnobError, match=r"^customers: "):
        generate("metro", 1, {"customers": "lots"})


def test_string_hashing_does_not_matter() -> None:
    """Set order of strings changes with PYTHONHASHSEED; the text must not."""
    code = (
        "import sys; from adapters.simulator.families import generate, to_toml; "
        "sys.stdout.write(to_toml(generate('regional', 1, {'cold_room_share': '0.5'})))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert other.stdout == to_toml(generate("regional", 1, {"cold_room_share": "0.5"}))
