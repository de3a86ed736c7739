"""Summary, report and figures from stored runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluation.outputs import write_outputs
from evaluation.plan import EvaluationPlan
from evaluation.report import fmt, render
from evaluation.runs import RunSpec
from evaluation.schedule import run_serial
from evaluation.store import ResultStore
from evaluation.suite import ScenarioCase, case_of
from evaluation.tuning import TuningParams
from supplysync.scenario import Scenario
from tests.evaluation.conftest import KPI, FakeRuns

SUMMARY_KEYS = {
    "dominance",
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
    "clock_bound",
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
    assert summary["dominance"]["baselines"] == ["reorder_point"]
    assert summary["dominance"]["by_kpi"][KPI] == 1.0


def test_report_shows_the_figures(evaluated: tuple[dict[str, Any], str, Path]) -> None:
    _, text, root = evaluated
    assert (root / "report.md").read_text().count(text.splitlines()[0]) == 1
    assert "A = reorder_tuned against B = reorder_point over 6 (scenario, seed) pairs" in text
    row = next(line for line in text.splitlines() if line.startswith(KPI) and "lower" in line)
    assert row.split()[1:] == ["lower", "101", "106", "-5.00", "-5.00", "-5.00", "100%", "0%"]
    assert "Tuned reorder rule" in text and "storm-3" in text
    assert fmt(0.953, "fill_rate") == "95.3%" and fmt(12345.6) == "12,346" and fmt(None) == "-"


def test_a_long_scenario_name_widens_only_the_tables_that_name_scenarios(
    evaluated: tuple[dict[str, Any], str, Path],
) -> None:
    """A sampled scenario's name lists its knobs; the KPI tables keep their own width."""
    summary, text, _ = evaluated
    long = "storm-3 (" + "knob=1, " * 20 + "knob=2)"
    wide = render(json.loads(json.dumps(summary).replace('"storm-3"', json.dumps(long))))

    def kpi_row(report: str) -> str:
        return next(
            line for line in report.splitlines() if line.startswith(KPI) and "lower" in line
        )

    assert long in wide
    assert kpi_row(wide) == kpi_row(text)


def test_plots_are_written(evaluated: tuple[dict[str, Any], str, Path]) -> None:
    _, _, root = evaluated
    for name in ("paired_differences.png", "families.png"):
        data = (root / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5_000


def test_a_policy_added_to_the_table_is_evaluated_and_hindsight_gives_regret(
    demo_scenario: Scenario, tmp_path: Path
) -> None:
    plan = EvaluationPlan(
        cases=(case_of(demo_scenario),),
        policies=("reorder_point", "milp", "hindsight"),
        baseline="reorder_point",
        candidate="milp",
        kpi=KPI,
        seeds=(0, 1),
    )
    store = ResultStore(tmp_path)

    def fake(case: ScenarioCase, spec: RunSpec) -> dict[str, Any]:
        made = FakeRuns()(case, spec)  # every policy costs 105 + seed
        hindsight, cut = spec.key.policy == "hindsight", spec.key.policy == "milp" and spec.key.seed
        return {**made, KPI: made[KPI] - 5.0 * hindsight, "plans_time_limit": 2 * cut}

    schedule = run_serial(plan, store, fake)
    summary, text = write_outputs(plan, store, schedule.choices)
    regret = {r["policy"]: r for r in summary["regret"]["policies"]}
    # (105 - 100) / 100 on seed 0 and (106 - 101) / 101 on seed 1
    assert regret["milp"]["mean"] == pytest.approx((0.05 + 5 / 101) / 2)
    assert regret.keys() == {"reorder_point", "milp"}
    assert regret["milp"]["beats"] == 0  # no run cheaper than the bound
    assert "Regret against hindsight" in text and "+5.0%" in text and "beats it" in text
    assert summary["clock_bound"]["milp"] == {"runs": 2, "time_limit": 2, "stale": 0, "affected": 1}
    assert "depended on the machine's speed" in text
    assert "depended" not in render({**summary, "clock_bound": {}})
