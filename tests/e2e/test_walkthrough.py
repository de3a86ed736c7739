"""The README's research walkthrough, run as it is written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.ray


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- walkthrough -->\n```sh\n(.*?)\n```", text, re.DOTALL)
    assert found, "README.md has no walkthrough block"
    return found.group(1)


def test_the_readme_walkthrough_runs(tmp_path: Path) -> None:
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = (tmp_path / "walk" / "eval" / "report.md").read_text()
    assert "A = my_policies.cautious:Cautious[scale=1.5] against B = reorder_point" in report
    assert "over 3 (scenario, seed) pairs" in report
    best = tomllib.loads((tmp_path / "walk" / "tune" / "best.toml").read_text())
    assert best["trials"] == 10 and 0.5 <= best["params"]["scale"] <= 3.0
    assert best["holdout"]["pairs"] == 3
    assert "ci_low" in best["holdout"] and "ci_high" in best["holdout"]
