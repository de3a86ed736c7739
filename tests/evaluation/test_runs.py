"""One run in this process: the record's fields, the seed and days it ran, tuned tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.outputs import write_outputs
from evaluation.plan import EvaluationPlan
from evaluation.runs import execute, prepare, run_one, spec_for
from evaluation.schedule import run_serial
from evaluation.store import ResultStore
from evaluation.suite import ScenarioCase, load_suite
from evaluation.tables import tables_for
from evaluation.tuning import TuningParams
from supplysync.kpi import Kpis
from tests.evaluation.conftest import KPI

OUTCOMES = (
    "fill_rate",
    "on_time_rate",
    "inventory_carrying_cost",
    "delivered_units",
    "distance_km",
)


@pytest.fixture
def tiny_case(tiny_scenario_files: list[Path]) -> ScenarioCase:
    return load_suite(tiny_scenario_files[:1])[0]


def test_a_record_is_the_key_then_every_kpi(tiny_case: ScenarioCase) -> None:
    rec = run_one(tiny_case, "reorder_point", seed=3, days=1)
    assert {
        k: rec[k] for k in ("policy", "scenario", "scenario_hash", "seed", "days", "variant")
    } == {
        "policy": "reorder_point",
        "scenario": "tiny-1",
        "scenario_hash": tiny_case.digest,
        "seed": 3,
        "days": 1,
        "variant": "",
    }
    assert set(Kpis.model_fields) <= set(rec)
    assert rec["ordered_units"] > 0 and rec["wall_seconds"] > 0


def test_the_same_seed_meets_the_same_world(tiny_case: ScenarioCase) -> None:
    a, b = (run_one(tiny_case, "reorder_point", seed=5) for _ in range(2))
    c = run_one(tiny_case, "reorder_point", seed=6)
    assert [a[k] for k in OUTCOMES] == [b[k] for k in OUTCOMES]
    assert a["ordered_units"] != c["ordered_units"]  # another seed, other demand


def test_a_tuned_run_sees_the_tuned_tables(tiny_case: ScenarioCase) -> None:
    params = TuningParams(1.5, 3.0)
    scenario = prepare(tiny_case.scenario, seed=4, days=1, params=params)
    tables = tables_for(tiny_case.scenario, z=1.5, cover_days=3.0)
    assert scenario.simulation.seed == 4
    for w in scenario.network.warehouses:
        assert w.reorder_point == tables.reorder_point[w.id]
        assert w.order_quantity == tables.order_quantity[w.id]
    with pytest.raises(ValueError, match="take tuning parameters"):
        spec_for(tiny_case, "reorder_tuned", 0)
    with pytest.raises(ValueError, match="only shortens"):
        spec_for(tiny_case, "reorder_point", 0, days=2)


def test_tuning_and_evaluation_in_this_process(tiny_case: ScenarioCase, tmp_path: Path) -> None:
    """The whole pipeline without Ray: 2 tuning runs, 2 evaluation runs, outputs."""
    plan = EvaluationPlan(
        cases=(tiny_case,),
        policies=("reorder_point", "reorder_tuned"),
        baseline="reorder_point",
        candidate="reorder_tuned",
        kpi=KPI,
        seeds=(0,),
        train_seeds=(1000,),
        grid=(TuningParams(0.0, 1.0), TuningParams(2.0, 3.0)),
    )
    store = ResultStore(tmp_path)
    schedule = run_serial(plan, store, execute)
    tuning = store.records("tuning")
    assert sorted(r["variant"] for r in tuning) == ["z0-cover1", "z2-cover3"]
    best = min(tuning, key=lambda r: r[KPI])
    assert schedule.choices[tiny_case.digest].params.variant == best["variant"]
    summary, text = write_outputs(plan, store, schedule.choices)
    assert summary["runs"] == {"expected": 2, "recorded": 2}
    assert summary["comparison"]["pairs"] == 1
    assert "tiny-1" in text and "Tuned reorder rule" in text
