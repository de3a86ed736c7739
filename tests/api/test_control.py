"""Steering: what-if plans without dispatching; replans and overrides land in the store."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.store import open_store
from supplysync.control import MachineOut, active_overrides
from tests.api.conftest import Api, TestClient
from tests.api.data import NOW

EVER = (NOW - timedelta(days=365), NOW + timedelta(days=365))


def _what_if(client: TestClient, api: Api, event: dict[str, object]) -> dict[str, Any]:
    response = client.post(
        "/api/control/what-if", headers=api.headers("operator"), json={"event": event}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_what_if_plans_without_storing_or_dispatching(client: TestClient, api: Api) -> None:
    with open_store(api.url) as store:
        plans_before = [p.plan_id for p in store.plans()]
        requests_before = store.requests(*EVER)
    result = _what_if(client, api, {"kind": "machine_down", "machine_id": "M00"})
    plan = result["plan"]
    assert result["based_on_plan_id"] == "live-0002"
    assert plan["policy"] == "what-if" and plan["status"] in ("optimal", "time_limit")
    assert {r["machine_id"] for r in plan["production"]} <= {"M01", "M02"}
    assert plan["diff"]["previous_plan_id"] == "live-0002"
    with open_store(api.url) as store:
        assert [p.plan_id for p in store.plans()] == plans_before
        assert store.plan(plan["plan_id"]) is None
        assert store.commands(plan["plan_id"]) == []
        assert store.requests(*EVER) == requests_before
    current = client.get("/api/plans/current", headers=api.headers("viewer")).json()
    assert current["plan"]["plan_id"] == "live-0002"


def test_demand_plus_30_percent_asks_for_more(client: TestClient, api: Api) -> None:
    base = _what_if(client, api, {"kind": "demand_change", "factor": 1.0})["plan"]
    more = _what_if(client, api, {"kind": "demand_change", "factor": 1.3, "region": "r0"})["plan"]

    def served(plan: dict[str, Any]) -> float:
        total: float = sum(d["quantity"] for d in plan["deliveries"]) + sum(
            s["quantity"] for s in plan["shortages"]
        )
        return total

    assert served(more) > served(base)


def test_what_if_naming_an_unknown_asset_is_422(client: TestClient, api: Api) -> None:
    response = client.post(
        "/api/control/what-if",
        headers=api.headers("operator"),
        json={"event": {"kind": "supplier_delay", "supplier_id": "NOPE"}},
    )
    assert response.status_code == 422
    assert "unknown supplier" in response.json()["detail"]


def test_what_if_is_refused_when_every_worker_is_busy(client: TestClient, api: Api) -> None:
    slots = api.app.state.context.whatif_slots
    assert slots.acquire(blocking=False)
    try:
        response = client.post(
            "/api/control/what-if",
            headers=api.headers("operator"),
            json={"event": {"kind": "machine_down", "machine_id": "M00"}},
        )
    finally:
        slots.release()
    assert response.status_code == 429


def test_an_override_lands_in_the_store_and_what_ifs_respect_it(
    client: TestClient, api: Api
) -> None:
    response = client.post(
        "/api/control/overrides",
        headers=api.headers("admin"),
        json={"override": {"kind": "machine_out", "machine_id": "M01"}, "comment": "bearing"},
    )
    assert response.status_code == 201
    with open_store(api.url) as store:
        requests = store.requests(*EVER)
    assert [(r.action, r.by, r.comment) for r in requests] == [("set", "admin", "bearing")]
    assert active_overrides(requests) == [MachineOut(machine_id="M01")]
    listed = client.get("/api/control/overrides", headers=api.headers("viewer")).json()
    assert listed == [
        {"key": "machine_out:M01", "override": {"kind": "machine_out", "machine_id": "M01"}}
    ]
    result = _what_if(client, api, {"kind": "machine_down", "machine_id": "M00"})
    assert result["overrides"] == [{"kind": "machine_out", "machine_id": "M01"}]
    assert {r["machine_id"] for r in result["plan"]["production"]} <= {"M02"}

    cleared = client.delete("/api/control/overrides/machine_out:M01", headers=api.headers("admin"))
    assert cleared.status_code == 200 and cleared.json()["action"] == "clear"
    assert client.get("/api/control/overrides", headers=api.headers("viewer")).json() == []


def test_overrides_naming_unknown_assets_are_422(client: TestClient, api: Api) -> None:
    bad = [
        {"kind": "machine_out", "machine_id": "M99"},
        {"kind": "pin_supplier", "product_id": "P00", "supplier_id": "S99"},
        {"kind": "freeze_route", "vehicle_id": "V00", "period": 0, "stops": ["NOWHERE"]},
    ]
    for override in bad:
        response = client.post(
            "/api/control/overrides", headers=api.headers("admin"), json={"override": override}
        )
        assert response.status_code == 422, override


def test_replan_now_is_a_request_in_the_store(client: TestClient, api: Api) -> None:
    response = client.post(
        "/api/control/replan", headers=api.headers("operator"), json={"comment": "storm"}
    )
    assert response.status_code == 202
    with open_store(api.url) as store:
        (request,) = store.requests(*EVER)
    assert (request.action, request.by, request.comment, request.at) == (
        "replan",
        "operator",
        "storm",
        NOW,
    )
    assert request.request_id == response.json()["request_id"]
