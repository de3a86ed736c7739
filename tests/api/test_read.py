"""Reading the network: assets, alerts and acks, plans, traceability, KPIs, metrics."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest

from adapters.store import open_store
from agents.machine import MachineAgent
from agents.settings import AgentSettings
from benchmarks.networks import START
from supplysync.readings import VibrationReading
from supplysync.status import LoopStatus
from tests.api.conftest import Api, TestClient
from tests.api.data import (
    AFTER_SERVICE,
    LOT,
    NOW,
    RUNNING_UP,
    machine_readings,
    network_snapshot,
)


def _get(client: TestClient, api: Api, path: str) -> Any:
    response = client.get(path, headers=api.headers("viewer"))
    assert response.status_code == 200, response.text
    return response.json()


def test_assets_carry_offer_position_and_latest_readings(client: TestClient, api: Api) -> None:
    assets = {a["asset_id"]: a for a in _get(client, api, "/api/assets")}
    assert {a["kind"] for a in assets.values()} == {
        "supplier",
        "machine",
        "warehouse",
        "vehicle",
        "plant",
        "customer",
    }
    w = assets["W00"]
    assert w["stock"]["P00"] == 321.0  # the shelf count overrides the offer
    assert w["capacity_units"] > 0
    assert {r["kind"] for r in w["latest"]} == {"rfid_scan", "temperature", "stock_level"}
    depot = assets[assets["V00"]["offer"]["depot_id"]]["location"]
    fix = assets["V00"]["location"]  # the last GNSS fix, 0.05° from the depot
    assert (fix["lat"] - depot["lat"], fix["lon"] - depot["lon"]) == pytest.approx((0.05, 0.05))
    assert 0 <= assets["M00"]["health"] <= 1


def test_a_machines_history_carries_the_health_its_agent_estimated(
    client: TestClient, api: Api
) -> None:
    """The health series is what a MachineAgent fed the same readings reports, value for value.

    The range starts an hour into the run, so its first points average
    running readings from before it; the stop above the warn level makes
    the restart a service that starts the estimate afresh.
    """
    readings = machine_readings("M00")
    with open_store(api.url) as store:
        store.append(readings)
    since = START + timedelta(hours=1)
    response = client.get(
        "/api/assets/M00/history",
        params={"since": since.isoformat()},
        headers=api.headers("viewer"),
    )
    assert response.status_code == 200, response.text
    history = response.json()
    agent = MachineAgent("M00", network_snapshot().network, AgentSettings())
    running = set(RUNNING_UP + AFTER_SERVICE)
    expected = []
    for r in readings:
        agent.ingest([r], r.ts)
        if isinstance(r, VibrationReading) and r.mm_s_rms in running and r.ts >= since:
            expected.append((r.ts, agent.state().health))
    got = [(datetime.fromisoformat(p["ts"]), p["health"]) for p in history["health"]]
    assert got == expected
    assert len(got) == 4 + len(AFTER_SERVICE)
    assert got[0][1] > got[3][1] < got[4][1]  # wearing, then serviced
    assert min(datetime.fromisoformat(r["ts"]) for r in history["readings"]) >= since
    warehouse = client.get("/api/assets/W00/history", headers=api.headers("viewer")).json()
    assert warehouse["health"] == []


def test_the_page_reads_state_and_plans_from_read_models_not_the_log(
    client: TestClient, api: Api
) -> None:
    """With the log's readings and plans gone, assets, plan lists and KPIs read the same.

    The reads once decoded every reading of every asset over the last day
    and every whole plan per request (23 requests/s under 50 clients).
    """
    before = {path: _get(client, api, path) for path in ("/api/assets", "/api/plans", "/api/kpis")}
    with sqlite3.connect(api.url.removeprefix("sqlite://")) as db:
        db.execute("DELETE FROM events WHERE kind IN ('reading', 'plan')")
        db.execute("DELETE FROM reading_batches")
    for path, body in before.items():
        assert _get(client, api, path) == body, path
    assert len(before["/api/plans"]) == 2


def test_alerts_filter_and_acknowledge_once(client: TestClient, api: Api) -> None:
    alerts = _get(client, api, "/api/alerts?kind=near_capacity")
    assert [a["alert"]["alert_id"] for a in alerts] == ["a-2"]
    ack = client.post(
        "/api/alerts/a-2/ack", headers=api.headers("operator"), json={"comment": "moving stock"}
    )
    assert ack.status_code == 201
    assert ack.json()["by"] == "operator"
    again = client.post("/api/alerts/a-2/ack", headers=api.headers("admin"), json={"comment": "x"})
    assert again.status_code == 409
    open_ = _get(client, api, "/api/alerts?acknowledged=false")
    assert [a["alert"]["alert_id"] for a in open_] == ["a-1"]
    done = _get(client, api, "/api/alerts?acknowledged=true")
    assert done[0]["ack"]["comment"] == "moving stock"
    missing = client.post(
        "/api/alerts/zz/ack", headers=api.headers("operator"), json={"comment": "x"}
    )
    assert missing.status_code == 404


def test_plans_current_history_diff_and_causes(client: TestClient, api: Api) -> None:
    current = _get(client, api, "/api/plans/current")
    assert current["plan"]["plan_id"] == "live-0002"
    assert [a["alert_id"] for a in current["causes"]] == ["a-1"]
    history = _get(client, api, "/api/plans")
    assert [p["plan_id"] for p in history] == ["live-0001", "live-0002"]
    diff = _get(client, api, "/api/plans/diff?from=live-0001&to=live-0002")
    assert diff["previous_plan_id"] == "live-0001"
    assert diff == current["plan"]["diff"]
    assert client.get("/api/plans/nope", headers=api.headers("viewer")).status_code == 404


def test_a_lot_is_traced_from_the_road_into_the_warehouse(client: TestClient, api: Api) -> None:
    trace = _get(client, api, f"/api/lots/{LOT}/trace")
    assert [(s["site_id"], s["direction"]) for s in trace["scans"]] == [("W00", "in")]
    assert [(s["site_id"], s["left"]) for s in trace["stays"]] == [("W00", None)]
    assert [(r["lat"], r["lon"]) for r in trace["track"]] == [(48.1, 11.5)]
    assert [r["kind"] for r in trace["conditions"]] == ["temperature", "shock", "temperature"]
    assert (trace["max_celsius"], trace["max_shock_g"]) == (6.25, 3.5)
    assert client.get("/api/lots/nope/trace", headers=api.headers("viewer")).status_code == 404


def test_kpis_from_the_store(client: TestClient, api: Api) -> None:
    k = _get(client, api, "/api/kpis")
    ordered = (k["ordered_units"], k["cancelled_units"], k["delivered_units"])
    assert ordered == (45.0, 15.0, 15.0)  # O-3's undelivered 15 were withdrawn
    assert k["fill_rate"] == round(15 / 45, 6)
    assert k["on_time_rate"] == 1.0
    assert k["replans"] == 2 and k["dead_letters"] == 1
    assert k["alerts_by_kind"] == {"near_capacity": 1, "predicted_failure": 1}
    assert k["plans_by_status"] == {"optimal": 2}


def test_metrics_in_prometheus_text(client: TestClient, api: Api) -> None:
    client.get("/api/users")  # one refusal to count
    response = client.get("/metrics", headers=api.headers("viewer"))
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = set(response.text.splitlines())
    assert "supplysync_replans 2" in lines
    assert 'supplysync_plans_by_status{status="optimal"} 2' in lines
    assert 'supplysync_alerts{kind="predicted_failure"} 1' in lines
    assert "supplysync_dead_letters 1" in lines
    assert 'supplysync_api_refused_requests_total{status="401"} 1' in lines
    assert "# TYPE supplysync_ingest_readings_per_second gauge" in lines
    # No live loop has reported yet: no queue depths rather than made-up zeros.
    assert not [line for line in lines if "supplysync_queue_depth" in line]
    assert not [line for line in lines if "supplysync_live_" in line]


def test_metrics_report_the_live_loops_latest_status(client: TestClient, api: Api) -> None:
    older = LoopStatus(
        taken_at=NOW - timedelta(seconds=30),
        readings_total=1,
        ingest_pending_messages=1,
        unacked_messages=1,
        commands_pending=1,
        alerts_queued=1,
        replan_running=False,
        host_failures=1,
    )
    latest = LoopStatus(
        taken_at=NOW - timedelta(seconds=3),
        readings_total=1_234_567,
        ingest_pending_messages=12,
        unacked_messages=None,  # not known: no sample rather than a zero
        commands_pending=7,
        alerts_queued=2,
        replan_running=True,
        host_failures=0,
    )
    with open_store(api.url) as store:
        store.append([latest, older])
    lines = set(client.get("/metrics", headers=api.headers("viewer")).text.splitlines())
    assert "supplysync_live_status_age_seconds 3" in lines
    depths = {line for line in lines if line.startswith("supplysync_queue_depth{")}
    assert depths == {
        'supplysync_queue_depth{queue="ingest_pending"} 12',
        'supplysync_queue_depth{queue="commands_pending"} 7',
        'supplysync_queue_depth{queue="alerts_queued"} 2',
    }
    assert "# TYPE supplysync_queue_depth gauge" in lines
    assert "supplysync_live_replan_running 1" in lines
    assert "supplysync_live_readings_total 1234567" in lines  # exact, not 1.23457e+06
    assert "supplysync_live_host_failures_total 0" in lines
