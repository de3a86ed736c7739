"""`GET /api/plans/{id}/timetable`: the plan's production as clock times, on the stored network."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from adapters.store import open_store
from api.app import create_app
from supplysync.timetable import timetable
from tests.api import data
from tests.api.conftest import ADMIN_SECRET, Api, FixedClock, TestClient, settings


def test_the_timetable_times_every_run_of_the_plan_on_the_networks_machines(api: Api) -> None:
    with open_store(api.url) as store:
        plan = store.plan("live-0002")
        snapshot = store.latest_network()
    assert plan is not None and snapshot is not None
    with TestClient(api.app) as client:
        response = client.get("/api/plans/live-0002/timetable", headers=api.headers("viewer"))
    assert response.status_code == 200
    body = response.json()

    assert body == timetable(plan, snapshot.network.machines).model_dump(mode="json")
    assert body["plan_id"] == "live-0002" and body["unscheduled"] == []
    timed = Counter(
        (r["machine_id"], r["product_id"], r["period"], r["quantity"]) for r in body["runs"]
    )
    assert timed == Counter(
        (r.machine_id, r.product_id, r.period, r.quantity) for r in plan.production
    )
    setup = {m.id: m.setup_hours for m in snapshot.network.machines}
    morning = plan.window.start + timedelta(hours=6)
    for machine in {r["machine_id"] for r in body["runs"]}:
        runs = [r for r in body["runs"] if r["machine_id"] == machine]
        times = [
            (datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])) for r in runs
        ]
        # Made at 01:00 on a network with nothing set up: the first run sets up at 06:00.
        assert times[0][0] == morning
        assert runs[0]["setup_hours"] == setup[machine]
        assert [r["period"] for r in runs] == sorted(r["period"] for r in runs)
        assert all(a[1] <= b[0] for a, b in pairwise(times))


def test_an_unknown_plan_is_404(client: TestClient, api: Api) -> None:
    response = client.get("/api/plans/nope/timetable", headers=api.headers("viewer"))
    assert response.status_code == 404


def test_without_a_network_there_is_nothing_to_time_the_plan_on(api: Api, tmp_path: Path) -> None:
    with open_store(api.url) as store:
        plan = store.plan("live-0002")
    assert plan is not None
    url = f"sqlite:///{tmp_path / 'plans-only.db'}"
    with open_store(url) as store:
        store.append([plan])
    clock = FixedClock(data.NOW)
    bare = create_app(settings(), store_url=url, clock=clock, wall=clock)
    with TestClient(bare) as client:
        response = client.get(
            "/api/plans/live-0002/timetable", headers={"X-API-Key": f"admin.{ADMIN_SECRET}"}
        )
    assert response.status_code == 409
    assert response.json()["detail"] == "no network known yet to time the plan on"
