"""The live stream: new rows in the store reach connected clients as events."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import httpx

from adapters.store import open_store
from supplysync.events import AlertKind
from tests.api.conftest import Server
from tests.api.data import NOW, alert


def test_new_alerts_and_plans_are_streamed(server: Server) -> None:
    with open_store(server.api.url) as store:
        plan = store.plan("live-0002")
    assert plan is not None
    received: list[tuple[str, dict[str, Any]]] = []

    def listen() -> None:
        headers = {"X-API-Key": server.api.keys["viewer"]}
        with httpx.stream("GET", f"{server.base}/api/stream", headers=headers, timeout=10) as r:
            kind = ""
            for line in r.iter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: ") and kind in ("alert", "plan"):
                    received.append((kind, json.loads(line.removeprefix("data: "))))
                    if len(received) == 2:
                        return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    time.sleep(0.5)  # connected and primed: what exists is not news
    later = NOW + timedelta(minutes=1)
    with open_store(server.api.url) as store:
        store.append([alert("a-9", "M02", 6 * 60 + 1, AlertKind.MACHINE_DOWN)])
        store.append([plan.model_copy(update={"plan_id": "live-0003", "created_at": later})])
    thread.join(10)
    assert [(k, d.get("alert", d).get("alert_id", d.get("plan_id"))) for k, d in received] == [
        ("alert", "a-9"),
        ("plan", "live-0003"),
    ]
    assert server.api.app.state.context.feed.current_plan_id == "live-0003"


def test_the_stream_needs_credentials(server: Server) -> None:
    response = httpx.get(f"{server.base}/api/stream?ticket=forged", timeout=5)
    assert response.status_code == 401


def _opens(server: Server, query: str) -> int:
    with httpx.stream("GET", f"{server.base}/api/stream?{query}", timeout=5) as response:
        return response.status_code


def test_a_ticket_opens_the_stream_once_and_a_token_in_the_url_never(server: Server) -> None:
    """No credential that still works is left in an access log."""
    headers = {"X-API-Key": server.api.keys["viewer"]}
    token = httpx.post(f"{server.base}/api/auth/token", headers=headers).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    made = httpx.post(f"{server.base}/api/stream/ticket", headers=bearer, timeout=5).json()
    assert made["expires_in"] == 30
    assert _opens(server, f"ticket={made['ticket']}") == 200
    assert _opens(server, f"ticket={made['ticket']}") == 401  # used up
    assert _opens(server, f"access_token={token}") == 401  # tokens go in headers only
    assert httpx.post(f"{server.base}/api/stream/ticket", timeout=5).status_code == 401


def test_a_ticket_expires_unused(server: Server) -> None:
    headers = {"X-API-Key": server.api.keys["viewer"]}
    ticket = httpx.post(f"{server.base}/api/stream/ticket", headers=headers).json()["ticket"]
    server.api.clock.at += timedelta(seconds=31)
    assert _opens(server, f"ticket={ticket}") == 401
