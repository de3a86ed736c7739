"""Summary, report and figures from stored runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluation.outputs import write_outputs
from evaluation.plan import EvaluationPlan
from evaluation.report import fmt
from evaluation.schedule import run_serial
from evaluation.store import ResultStore
from evaluation.suite import case_of
from evaluation.tuning import TuningParams
from supplysync.scenario import Scenario
from tests.evaluation.conftest import KPI, FakeRuns

SUMMARY_KEYS = {
    "settings",
    "runs",
    "invocation",
    "kpis",
    "policy_means",
    "comparison",
    "objective_vs_baseline",
    "families",
    "worst_scenarios",
    "regret",
    "tuned",
    "differences",
}


@pytest.fixture
def evaluated(demo_scenario: Scenario, tmp_path: Path) -> tuple[dict[str, Any], str, Path]:
    plan = EvaluationPlan(
        cases=(
            case_of(demo_scenario),
            case_of(demo_scenario.model_copy(update={"name": "storm-3"})),
        ),
        policies=("reorder_point", "reorder_tuned"),
        baseline="reorder_point",
        candidate="reorder_tuned",
        kpi=KPI,
        seeds=(0, 1, 2),
        train_seeds=(1000,),
        grid=(TuningParams(0, 1), TuningParams(1, 2)),
    )
    store = ResultStore(tmp_path)
    schedule = run_serial(plan, store, FakeRuns())
    summary, text = write_outputs(plan, store, schedule.choices, invocation={"executed": 16})
    return summary, text, tmp_path


def test_summary_has_every_section(evaluated: tuple[dict[str, Any], str, Path]) -> None:
    summary, _, root = evaluated
    assert set(summary) == SUMMARY_KEYS
    assert json.loads((root / "summary.json").read_text()) == summary
    assert summary["runs"] == {"expected": 12, "recorded": 12}
    cmp_ = summary["comparison"]["kpis"][KPI]
    # FakeRuns: the rule costs 100 + seed + 5, tuned (z = 1) 100 + seed: A - B = -5 everywhere
    assert (cmp_["mean_diff"], cmp_["ci_low"], cmp_["ci_high"], cmp_["win_rate"]) == (-5, -5, -5, 1)
    assert cmp_["n"] == 6
    assert summary["tuned"]["demo"]["z"] == 1.0 and summary["tuned"]["storm-3"]["cover_days"] == 2
    assert [f["name"] for f in summary["families"]["paired"]] == ["demo", "storm"]
    assert summary["regret"] is None  # no hindsight policy ran


def test_report_shows_the_figures(evaluated: tuple[dict[str, Any], str, Path]) -> None:
    _, text, root = evaluated
    assert (root / "report.md").read_text().count(text.splitlines()[0]) == 1
    assert "A = reorder_tuned against B = reorder_point over 6 (scenario, seed) pairs" in text
    row = next(line for line in text.splitlines() if line.startswith(KPI) and "lower" in line)
    assert row.split()[1:] == ["lower", "101", "106", "-5.00", "-5.00", "-5.00", "100%", "0%"]
    assert "Tuned reorder rule" in text and "storm-3" in text
    assert fmt(0.953, "fill_rate") == "95.3%" and fmt(12345.6) == "12,346" and fmt(None) == "-"


def test_plots_are_written(evaluated: tuple[dict[str, Any], str, Path]) -> None:
    _, _, root = evaluated
    for name in ("paired_differences.png", "families.png"):
        data = (root / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5_000
