"""`supplysync evaluate` on the shared Ray: a tiny evaluation, recorded, reported, resumed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from console.main import main
from tests.conftest import ROOT

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
    logs = tmp_path / "events"
    assert main([*argv, "--events", str(logs)]) == 0
    first = capsys.readouterr()
    runs = sorted((out / "runs").glob("*.parquet"))
    assert len(runs) == 4  # 2 scenarios x 2 policies x 1 seed
    # one event log per run, under the run's own name, with the plans it made
    assert sorted(p.name for p in logs.iterdir()) == sorted(p.stem for p in runs)
    for run in runs:
        plans = pq.read_table(logs / run.stem / "plans.parquet")
        assert plans.num_rows >= 1 and "plan_id" in plans.column_names
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


def test_a_policy_outside_the_project_is_evaluated_on_the_workers(
    tiny_scenario_files: list[Path], tmp_path: Path
) -> None:
    """The workers import the researcher's module from the directory Ray ships to them.

    A process of its own, as a researcher runs it: Ray ships code to the
    workers of a job it starts, so the shared test Ray cannot show it.
    """
    out = tmp_path / "results"
    argv = [
        "evaluate",
        "--scenarios",
        str(tiny_scenario_files[0]),
        "--out",
        str(out),
        "--seeds",
        "0",
        "--days",
        "1",
        "--workers",
        "1",
        "--policies",
        "reorder_point,myopic:Myopic",
        "--param",
        "horizon_periods=1",
        "--baseline",
        "reorder_point",
        "--candidate",
        "myopic:Myopic",
        "--no-progress",
    ]
    # The driver finds the module on its own sys.path; nothing tells the
    # workers where it is (no PYTHONPATH), so they import what Ray ships.
    lab = tmp_path / "lab"
    lab.mkdir()
    shutil.copy(ROOT / "examples" / "myopic.py", lab)
    script = (
        f"import sys; sys.path.insert(0, {str(lab)!r}); "
        f"from console.main import main; sys.exit(main({argv!r}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "failed" not in done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["comparison"]["candidate"] == "myopic:Myopic[horizon_periods=1]"
    assert summary["invocation"]["executed"] == 2
    mine = summary["policy_means"]["myopic:Myopic[horizon_periods=1]"]
    assert 0 < mine["fill_rate"] <= 1 and mine["total_cost"] > 0
