"""`supplysync bench`: the benchmarks come from a checkout; `bench ingest`'s argument checks,
and small real runs as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.main import main
from tests.conftest import ROOT
from tests.services import executable

INSTALLED = ("supplysync", "agents", "optimizer", "adapters", "cluster", "evaluation", "api")
# The `supplysync` script of an installation without `benchmarks/` (none in its
# packages, none mapped by an editable install), run from the working directory.
SCRIPT = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
from console.main import main
sys.exit(main(sys.argv[1:]))
"""


def _installed_without_benchmarks(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    site = tmp_path / "site"
    site.mkdir()
    for package in (*INSTALLED, "console"):
        (site / package).symlink_to(ROOT / package)
    script = tmp_path / "bin" / "supplysync"
    script.parent.mkdir()
    script.write_text(SCRIPT)
    return script, {**os.environ, "PYTHONPATH": str(site)}


def test_bench_runs_the_benchmarks_of_the_checkout_it_is_run_from(tmp_path: Path) -> None:
    script, env = _installed_without_benchmarks(tmp_path)
    checkout = tmp_path / "checkout"
    (checkout / "benchmarks").mkdir(parents=True)
    (checkout / "benchmarks" / "__init__.py").write_text("")
    (checkout / "benchmarks" / "replan.py").write_text(
        "def report(sizes, **kwargs):\n    print('replan', sizes, kwargs['events'])\n    return 0\n"
    )
    argv = [sys.executable, str(script), "bench", "replan", "--size", "M", "--events", "3"]
    done = subprocess.run(argv, check=False, cwd=checkout, env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "replan ['M'] 3\n"), done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(argv, check=False, cwd=elsewhere, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "supplysync: bench replan:" in done.stderr and "checkout" in done.stderr


@pytest.mark.parametrize("name", ["vrp", "replan", "ingest"])
def test_without_the_benchmarks_bench_exits_2_saying_where_they_are(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "benchmarks", None)
    monkeypatch.setitem(sys.modules, f"benchmarks.{name}", None)
    args = {"vrp": ["x.vrp", "--time-limit", "1"], "replan": [], "ingest": []}[name]
    assert main(["bench", name, *args]) == 2
    err = capsys.readouterr().err
    assert f"bench {name}: the benchmarks are not installed" in err and "checkout" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--batch", "0"],  # a gateway message carries at least one reading
        ["--readings", "10", "--batch", "100"],  # not even one message
        ["--rates", "fast"],  # not a number
        ["--rates", "0"],  # an offered rate of nothing
    ],
)
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "ingest", *args]) == 2
    assert "expected" in capsys.readouterr().err


def test_a_small_run_reports_every_row(capsys: pytest.CaptureFixture[str]) -> None:
    executable("mosquitto")
    executable("mosquitto_sub")
    argv = ["bench", "ingest", "--readings", "2000", "--batch", "50", "--rates", "2000", "--json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["scenario"] for r in rows] == [
        "mosquitto_sub (ceiling)",
        "ingest, flat out",
        "ingest, stock levels",
        "ingest at 2,000/s",
    ]
    assert [r["readings"] for r in rows] == [2000, 2000, 2000, 2000]
    assert all(r["readings_per_s"] > 0 for r in rows)
    assert all(r["p99_ms"] >= r["p50_ms"] > 0 for r in rows[1:])


@pytest.mark.parametrize(
    "args",
    [
        ["--consumers", "0", "--store", "postgresql://x/y"],  # nobody consumes
        ["--consumers", "two", "--store", "postgresql://x/y"],  # not a number
        ["--consumers", "1,2", "--offered", "0", "--store", "postgresql://x/y"],
        ["--consumers", "1,2"],  # no store
        ["--consumers", "1,2", "--store", "sqlite:///x.db"],  # one writer only
    ],
)
def test_bad_partitioned_arguments_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "ingest", *args]) == 2
    assert "expected" in capsys.readouterr().err


def test_a_small_partitioned_run_reports_a_row_per_consumer_count(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    executable("mosquitto")
    executable("mosquitto_sub")
    argv = ["bench", "ingest", "--consumers", "1,2", "--store", pg_database]
    argv += ["--readings", "2000", "--batch", "50", "--offered", "4000", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ceiling_readings_per_s"] > 0
    rows = out["rows"]
    assert [(r["consumers"], r["readings"], r["offered_per_s"]) for r in rows] == [
        (1, 2000, 4000),
        (2, 2000, 4000),
    ]
    assert rows[0]["ratio"] == 1
    assert all(r["readings_per_s"] > 0 and r["p99_ms"] >= r["p50_ms"] for r in rows)
