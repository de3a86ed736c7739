"""`serve` judges time on the network's clock: the pace the live loop records in its status.

The live loop and the API share only the store. A fleet at speed 60 stamps
its alerts hours ahead of the wall within minutes; the API's default
windows must still hold them, while tokens keep expiring on the wall.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from adapters.store import open_store
from api.app import create_app
from supplysync.clock import Pace
from supplysync.status import LoopStatus
from tests.api import data
from tests.api.conftest import ADMIN_SECRET, FixedClock, TestClient, settings

ADMIN = {"X-API-Key": f"admin.{ADMIN_SECRET}"}
AHEAD = timedelta(hours=30)
"""How far the network runs ahead of the wall: past the default 24 h window."""


def status(pace: Pace | None) -> LoopStatus:
    return LoopStatus(
        taken_at=data.NOW + AHEAD,
        readings_total=0,
        ingest_pending_messages=0,
        commands_pending=0,
        alerts_queued=0,
        replan_running=False,
        host_failures=0,
        pace=pace,
    )


def test_the_api_follows_the_pace_the_loop_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    ahead = data.alert("a-ahead", "W-1", minutes=0).model_copy(update={"ts": data.NOW + AHEAD})
    with open_store(url) as store:
        store.append([ahead, status(Pace(at=data.NOW + AHEAD, wall=data.NOW, speed=60.0))])
    wall = FixedClock(data.NOW)
    app = create_app(settings(), store_url=url, wall=wall)
    with TestClient(app) as client:
        wall.at += timedelta(seconds=10)
        clock = client.get("/api/clock", headers=ADMIN).json()
        alerts = client.get("/api/alerts", headers=ADMIN).json()
        acked = client.post("/api/alerts/a-ahead/ack", json={"comment": "seen"}, headers=ADMIN)
    assert clock["now"] == (data.NOW + AHEAD + timedelta(minutes=10)).isoformat().replace(
        "+00:00", "Z"
    )
    assert clock["wall"].startswith(data.NOW.date().isoformat())
    assert clock["pace"]["speed"] == 60.0
    assert [a["alert"]["alert_id"] for a in alerts] == ["a-ahead"]
    assert acked.status_code == 201, acked.text
    assert acked.json()["at"].startswith((data.NOW + AHEAD).date().isoformat())


def test_without_a_recorded_pace_the_network_is_the_wall(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    with open_store(url) as store:
        store.append([status(None)])
    wall = FixedClock(data.NOW)
    with TestClient(create_app(settings(), store_url=url, wall=wall)) as client:
        clock = client.get("/api/clock", headers=ADMIN).json()
    assert clock["pace"] is None
    assert clock["now"] == clock["wall"]


def test_tokens_expire_on_the_wall_not_on_the_networks_clock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    with open_store(url) as store:
        store.append([status(Pace(at=data.NOW, wall=data.NOW, speed=1000.0))])
    wall = FixedClock(data.NOW)
    with TestClient(create_app(settings(), store_url=url, wall=wall)) as client:
        token = client.post("/api/auth/token", headers=ADMIN).json()["access_token"]
        wall.at += timedelta(seconds=60)  # 16.7 network hours, one wall minute
        seen = client.get("/api/clock", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200, seen.text
