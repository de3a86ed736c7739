"""`supplysync bench ingest`: argument checks, and one small real run as JSON."""

from __future__ import annotations

import json

import pytest

from supplysync.cli import main
from tests.services import executable


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
