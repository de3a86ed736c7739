"""Research from Python: a run and a table of runs without the command line or Ray."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation import lab
from supplysync.kpi import Kpis
from supplysync.scenario import ScenarioError
from tests.conftest import DEMO_SCENARIO


def test_a_run_gives_kpis_plans_and_alerts() -> None:
    run = lab.run(DEMO_SCENARIO, "reorder_point", seed=3, days=1)
    assert isinstance(run.kpis, Kpis) and 0 < run.kpis.fill_rate <= 1
    assert run.policy == "reorder_point" and run.plans
    again = lab.run(lab.load(DEMO_SCENARIO), "reorder_point", seed=3, days=1)
    same = ("fill_rate", "total_cost", "ordered_units", "distance_km")
    assert [getattr(again.kpis, k) for k in same] == [getattr(run.kpis, k) for k in same]
    other = lab.run(DEMO_SCENARIO, "reorder_point", seed=4, days=1)
    assert other.kpis.ordered_units != run.kpis.ordered_units


def test_a_table_has_one_record_per_run(tiny_scenario_files: list[Path]) -> None:
    rows = lab.table([tiny_scenario_files[0].parent], ["reorder_point", "static"], [0])
    assert [(r["scenario"], r["policy"], r["seed"]) for r in rows] == [
        ("tiny-1", "reorder_point", 0),
        ("tiny-1", "static", 0),
        ("tiny-2", "reorder_point", 0),
        ("tiny-2", "static", 0),
    ]
    assert all(0 <= r["fill_rate"] <= 1 and r["total_cost"] > 0 for r in rows)


def test_a_bad_scenario_or_policy_is_named() -> None:
    with pytest.raises(ScenarioError, match="must be between 1 and"):
        lab.run(DEMO_SCENARIO, "milp", days=99)
    with pytest.raises(ValueError, match="unknown policy 'nope'"):
        lab.run(DEMO_SCENARIO, "nope", days=1)
