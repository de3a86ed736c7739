"""A run's event log as Parquet: one file per kind, a row per record, nested fields as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from evaluation import lab
from tests.conftest import DEMO_SCENARIO


def test_a_day_of_the_demo_writes_every_kind(tmp_path: Path) -> None:
    run = lab.run(DEMO_SCENARIO, "milp", seed=2, days=1, events=tmp_path)
    files = {p.stem for p in tmp_path.glob("*.parquet")}
    assert files == {"readings", "alerts", "orders", "deliveries", "plans", "commands"}
    plans = pq.read_table(tmp_path / "plans.parquet").to_pylist()
    assert [p["plan_id"] for p in plans] == [p.plan_id for p in run.plans]
    assert all(p["run_id"] == "milp" for p in plans)
    assert json.loads(plans[0]["purchases"]) == [
        o.model_dump(mode="json") for o in run.plans[0].purchases
    ]
    readings = pq.read_table(tmp_path / "readings.parquet")
    kinds = set(readings.column("kind").to_pylist())
    assert {"stock_level", "location", "temperature"} <= kinds
    stock = [r for r in readings.to_pylist() if r["kind"] == "stock_level"]
    assert all(r["units"] is not None and r["lat"] is None for r in stock)
    assert str(readings.schema.field("ts").type) == "timestamp[us, tz=UTC]"
    alerts = pq.read_table(tmp_path / "alerts.parquet").to_pylist()
    assert len(alerts) == len(run.alerts)
    commands = pq.read_table(tmp_path / "commands.parquet").to_pylist()
    assert {c["plan_id"] for c in commands} <= {p.plan_id for p in run.plans}
