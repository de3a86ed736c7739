"""`supplysync tune` end to end: trials on Ray, a study resumed, the best on held-out seeds."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import optuna
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ray


def _tune(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # A process of its own, as a researcher runs it: the example policy is
    # shipped to the workers of the Ray job this command starts.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "examples")}
    return subprocess.run(
        [sys.executable, "-m", "console", "tune", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_tiny_tuning_resumes_and_reports_on_held_out_seeds(
    tiny_scenario_files: list[Path], tmp_path: Path
) -> None:
    space = tmp_path / "space.toml"
    space.write_text('[params.horizon_periods]\nlow = 1\nhigh = 3\ntype = "int"\n')
    out = tmp_path / "study"
    argv = [
        "--policy",
        "myopic:Myopic",
        "--space",
        str(space),
        "--scenarios",
        str(tiny_scenario_files[0]),
        "--seeds",
        "1000",
        "--holdout-seeds",
        "0,1",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    first = _tune([*argv, "--trials", "2"], tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.stderr.count("trial ") == 2 and "trial 2/2" in first.stderr
    best = tomllib.loads((out / "best.toml").read_text())
    assert best["policy"] == "myopic:Myopic" and best["trials"] == 2
    assert best["best"] == f"myopic:Myopic[horizon_periods={best['params']['horizon_periods']}]"
    assert best["holdout"]["seeds"] == [0, 1] and best["holdout"]["pairs"] == 2
    holdout = best["holdout"]
    assert holdout["mean_diff"] == pytest.approx(holdout["mean_best"] - holdout["mean_defaults"])
    assert (out / "history.png").stat().st_size > 10_000
    assert f"best: {best['best']}" in first.stdout

    second = _tune([*argv, "--trials", "3"], tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "trial 3/3" in second.stderr and "trial 2/" not in second.stderr
    study = optuna.load_study(study_name="supplysync", storage=f"sqlite:///{out / 'study.db'}")
    assert len(study.trials) == 3
    values = [t.value for t in study.trials if t.value is not None]
    assert tomllib.loads((out / "best.toml").read_text())["train"]["mean"] == min(values)

    weights = tmp_path / "weights.toml"
    weights.write_text("[params.end_cover_weight]\nlow = 0.2\nhigh = 1.0\n")
    again = [*argv, "--policy", "weighted:Weighted", "--space", str(weights), "--trials", "1"]
    other = _tune(again, tmp_path)
    assert other.returncode == 2 and "the study there tunes 'myopic:Myopic'" in other.stderr
