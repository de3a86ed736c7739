"""`python -m benchmarks.api_load`: argument checks, and one tiny run of the whole system.

The run is 2 clients (one polling, one holding the stream) for 2 s on
SQLite, with the devices at 600x so the store has readings within seconds
(at the default 60x the first arrive after 15 s). It checks the report's
shape and that nothing failed, not the figures: those depend on the host.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.api_load.bench import main
from tests.services import executable

ROUTES = [
    "GET /api/assets",
    "GET /api/alerts",
    "GET /api/kpis",
    "GET /api/plans",
    "GET /api/plans/current",
    "GET /api/assets/{id}/history",
    "POST /api/stream/ticket",
    "GET /api/stream",
]
ROW_KEYS = {
    "route",
    "requests",
    "requests_per_s",
    "p50_ms",
    "p99_ms",
    "max_ms",
    "mean_bytes",
    "errors",
}
TEMP_PREFIX = "supplysync-api-load-"  # in the command line of every process it starts


@pytest.mark.parametrize(
    "args",
    [
        ["--clients", "1"],  # no room for a poller beside the stream
        ["--clients", "4", "--streams", "4"],  # every client on the stream, none polling
        ["--seconds", "0"],  # no measurement
        ["--warmup-seconds", "-1"],  # a negative wait
    ],
)
def test_bad_arguments_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert "expected" in capsys.readouterr().err


def _started_by_a_benchmark() -> set[int]:
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if TEMP_PREFIX.encode() in cmdline.read_bytes():
                found.add(int(cmdline.parent.name))
        except OSError:  # gone meanwhile
            continue
    return found


def test_a_tiny_run_reports_every_route_and_leaves_nothing_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    executable("mosquitto")
    before = _started_by_a_benchmark()
    argv = ["--clients", "2", "--seconds", "2", "--warmup-seconds", "0", "--speed", "600"]
    assert main([*argv, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {
        "settings",
        "seconds",
        "routes",
        "total",
        "stream",
        "store",
        "cpu_seconds",
        "target",
    }
    assert [row["route"] for row in report["routes"]] == ROUTES
    for row in [*report["routes"], report["total"]]:
        assert set(row) == ROW_KEYS
        assert row["requests"] > 0, row
        assert row["errors"] == {}, row  # no 5xx, nor any other refusal or unanswered request
        assert row["p99_ms"] >= row["p50_ms"] > 0
    assert report["stream"]["opened"] == 1
    assert report["store"]["end"]["plans"] >= 1
    assert report["store"]["end"]["readings"] >= 1
    assert set(report["cpu_seconds"]) == {"mosquitto", "run", "serve", "devices", "clients"}
    assert _started_by_a_benchmark() - before == set()
