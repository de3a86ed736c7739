"""Who may call what: one row per route, and every route must have a row.

The table is the permission model in one place: a route added without a row
fails `test_every_route_has_a_row`, so nobody ships an endpoint whose role
was never decided. For each row, each role below the minimum is refused with
403 and the minimum role is let through (any status but 401/403).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from supplysync.ledger import ROLES, Role
from tests.api.conftest import Api, TestClient
from tests.api.data import LOT

PUBLIC = "public"

# (method, path template) -> least role (or public), and a concrete call:
# (path, json body) that the least role can make successfully or meaningfully.
TABLE: dict[tuple[str, str], tuple[Role | str, str, dict[str, Any] | None]] = {
    ("GET", "/"): (PUBLIC, "/", None),
    ("GET", "/favicon.ico"): (PUBLIC, "/favicon.ico", None),
    ("GET", "/healthz"): (PUBLIC, "/healthz", None),
    ("GET", "/openapi.json"): (PUBLIC, "/openapi.json", None),
    ("GET", "/docs"): (PUBLIC, "/docs", None),
    ("GET", "/docs/oauth2-redirect"): (PUBLIC, "/docs/oauth2-redirect", None),
    ("GET", "/redoc"): (PUBLIC, "/redoc", None),
    ("GET", "/static"): (PUBLIC, "/static/app.js", None),
    ("POST", "/api/auth/token"): ("viewer", "/api/auth/token", None),
    ("GET", "/api/auth/me"): ("viewer", "/api/auth/me", None),
    ("GET", "/api/assets"): ("viewer", "/api/assets", None),
    ("GET", "/api/assets/{asset_id}"): ("viewer", "/api/assets/W00", None),
    ("GET", "/api/assets/{asset_id}/history"): ("viewer", "/api/assets/W00/history", None),
    ("GET", "/api/alerts"): ("viewer", "/api/alerts", None),
    ("POST", "/api/alerts/{alert_id}/ack"): ("operator", "/api/alerts/a-2/ack", {"comment": "ok"}),
    ("GET", "/api/plans"): ("viewer", "/api/plans", None),
    ("GET", "/api/plans/current"): ("viewer", "/api/plans/current", None),
    ("GET", "/api/plans/diff"): ("viewer", "/api/plans/diff?from=live-0001&to=live-0002", None),
    ("GET", "/api/plans/{plan_id}"): ("viewer", "/api/plans/live-0001", None),
    ("GET", "/api/plans/{plan_id}/timetable"): ("viewer", "/api/plans/live-0001/timetable", None),
    ("POST", "/api/control/replan"): ("operator", "/api/control/replan", {"comment": "now"}),
    ("GET", "/api/control/requests"): ("viewer", "/api/control/requests", None),
    ("GET", "/api/control/overrides"): ("viewer", "/api/control/overrides", None),
    ("POST", "/api/control/overrides"): (
        "admin",
        "/api/control/overrides",
        {"override": {"kind": "machine_out", "machine_id": "M01"}},
    ),
    ("DELETE", "/api/control/overrides/{key}"): (
        "admin",
        "/api/control/overrides/machine_out:M01",
        None,
    ),
    ("POST", "/api/control/what-if"): (
        "operator",
        "/api/control/what-if",
        {"event": {"kind": "machine_down", "machine_id": "M00"}},
    ),
    ("GET", "/api/lots/{lot_id}/trace"): ("viewer", f"/api/lots/{LOT}/trace", None),
    ("GET", "/api/kpis"): ("viewer", "/api/kpis", None),
    ("GET", "/api/clock"): ("viewer", "/api/clock", None),
    ("GET", "/api/commands"): ("viewer", "/api/commands", None),
    ("GET", "/api/stream"): ("viewer", "/api/stream", None),
    ("POST", "/api/stream/ticket"): ("viewer", "/api/stream/ticket", None),
    ("GET", "/api/users"): ("admin", "/api/users", None),
    ("POST", "/api/users"): ("admin", "/api/users", {"name": "newbie", "role": "viewer"}),
    ("DELETE", "/api/users/{name}"): ("admin", "/api/users/viewer", None),
    ("GET", "/api/audit/refusals"): ("admin", "/api/audit/refusals", None),
    ("GET", "/metrics"): ("viewer", "/metrics", None),
}


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route of `app`, looking inside included routers."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        inner = getattr(route, "effective_route_contexts", None)
        contexts: list[Any] = inner() if inner is not None else [route]
        for r in contexts:
            methods = getattr(r, "methods", None) or {"GET"}
            found.update((m, r.path) for m in methods if m != "HEAD")
    return found


def test_every_route_has_a_row(api: Api) -> None:
    assert routes(api.app) == set(TABLE)


def _call(client: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> int:
    if path == "/api/stream":  # an endless stream: only the refusals are checked here
        return 200 if headers else client.get(path).status_code
    status: int = client.request(method, path, json=body, headers=headers).status_code
    return status


@pytest.mark.parametrize(("method", "template"), sorted(TABLE))
def test_roles_below_the_minimum_are_refused(
    client: TestClient, api: Api, method: str, template: str
) -> None:
    least, path, body = TABLE[(method, template)]
    if least == PUBLIC:
        assert _call(client, method, path, body, {}) == 200
        return
    assert _call(client, method, path, body, {}) == 401
    for role in ROLES[: ROLES.index(least)]:
        assert _call(client, method, path, body, api.headers(role)) == 403, role
    for role in ROLES[ROLES.index(least) :]:
        status = _call(client, method, path, body, api.headers(role))
        assert status not in (401, 403), (role, status)
        assert status < 500, (role, status)
