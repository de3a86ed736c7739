"""`supplysync evaluate` on the shared Ray: a tiny evaluation, recorded, reported, resumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplysync.cli import main

pytestmark = pytest.mark.ray

ARGS = [
    "--seeds",
    "0",
    "--days",
    "1",
    "--policies",
    "reorder_point,static",
    "--baseline",
    "reorder_point",
    "--candidate",
    "static",
    "--kpi",
    "inventory_carrying_cost",
    "--no-progress",
]


def test_a_tiny_evaluation_records_reports_and_resumes(
    ray_session: None,
    tiny_scenario_files: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "results"
    argv = ["evaluate", "--scenarios", str(tiny_scenario_files[0].parent), "--out", str(out), *ARGS]
    assert main(argv) == 0
    first = capsys.readouterr()
    runs = sorted((out / "runs").glob("*.parquet"))
    assert len(runs) == 4  # 2 scenarios x 2 policies x 1 seed
    assert not (out / "tuning").exists()  # reorder_tuned not asked for
    summary = json.loads((out / "summary.json").read_text())
    assert {"comparison", "policy_means", "families", "worst_scenarios", "tuned"} <= set(summary)
    assert summary["runs"] == {"expected": 4, "recorded": 4}
    assert summary["invocation"]["executed"] == 4
    assert [s["name"] for s in summary["settings"]["scenarios"]] == ["tiny-1", "tiny-2"]
    cmp_ = summary["comparison"]
    assert (cmp_["candidate"], cmp_["baseline"], cmp_["pairs"]) == ("static", "reorder_point", 2)
    cost = cmp_["kpis"]["inventory_carrying_cost"]
    mean_a = summary["policy_means"]["static"]["inventory_carrying_cost"]
    assert cost["mean_a"] == pytest.approx(mean_a)
    report = (out / "report.md").read_text()
    assert f"{mean_a:,.0f}" in report and "over 2 (scenario, seed) pairs" in report
    assert report.count("\n") > 20 and "Mean KPIs per policy" in first.out
    assert "4 runs in" in first.err and "runs/minute" in first.err
    assert (out / "paired_differences.png").exists() and (out / "families.png").exists()

    stamps = [p.stat().st_mtime_ns for p in runs]
    assert main(argv) == 0
    second = capsys.readouterr()
    assert "0 runs in" in second.err and "(4 already stored)" in second.err
    assert [p.stat().st_mtime_ns for p in sorted((out / "runs").glob("*.parquet"))] == stamps
