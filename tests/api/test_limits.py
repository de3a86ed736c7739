"""Body size limit, rate limit, and the record of every refused request."""

from __future__ import annotations

import contextlib
import socket
import tracemalloc
from collections.abc import Callable
from datetime import timedelta

from supplysync.ledger import Refusal
from tests.api.conftest import Api, Server, TestClient
from tests.api.data import NOW

LIMIT = 64 * 1024


def _status(sock: socket.socket) -> int:
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    return int(head.split(b" ", 2)[1])


def _declared_oversize(server: Server, key: str) -> int:
    """Declare 50 MB, send 256 KB of it, read the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/control/replan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"X-API-Key: {key}\r\nContent-Length: {50 * 2**20}\r\n\r\n".encode()
        )
        with contextlib.suppress(OSError):  # the server may already have answered and closed
            sock.sendall(b" " * (256 * 1024))
        return _status(sock)


def _chunked_oversize(server: Server, key: str) -> int:
    """No Content-Length: stream 64 KB chunks until the server stops it (at most 4 MB)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/control/replan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"X-API-Key: {key}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b"%x\r\n" % (64 * 1024) + b" " * (64 * 1024) + b"\r\n"
        with contextlib.suppress(OSError):
            for _ in range(64):
                sock.sendall(chunk)
        return _status(sock)


def test_oversize_bodies_are_refused_without_memory_growth(server: Server) -> None:
    key = server.api.keys["operator"]
    assert _declared_oversize(server, key) == 413  # warm up imports and buffers
    assert _chunked_oversize(server, key) == 413
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        statuses = [_declared_oversize(server, key) for _ in range(20)]
        statuses += [_chunked_oversize(server, key) for _ in range(20)]
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert statuses == [413] * 40
    # 40 requests offered about 1 GB between them; a server that buffered even one
    # declared body would peak above 50 MB.
    assert peak - before < 8 * 2**20, peak - before
    assert after - before < 2 * 2**20, after - before


def test_a_body_at_the_limit_is_read(client: TestClient, api: Api) -> None:
    body = '{"comment": "' + "x" * 1000 + '"}'
    response = client.post(
        "/api/control/replan",
        content=body.ljust(LIMIT),
        headers={**api.headers("operator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 202


def test_an_oversize_body_is_refused_and_recorded(client: TestClient, api: Api) -> None:
    response = client.post(
        "/api/control/replan",
        content=b" " * (LIMIT + 1),
        headers={**api.headers("operator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    refusals = _refusals(api)
    assert [(r.status, r.method, r.path) for r in refusals] == [
        (413, "POST", "/api/control/replan")
    ]


def test_a_burst_is_rate_limited(make_api: Callable[..., Api]) -> None:
    api = make_api(rate_burst=5, rate_per_s=0.01)
    with TestClient(api.app) as client:
        codes = [
            client.get("/api/auth/me", headers=api.headers("viewer")).status_code for _ in range(7)
        ]
        other = client.get("/api/auth/me", headers=api.headers("admin"))
    assert codes == [200] * 5 + [429] * 2
    assert other.status_code == 429  # the client address is out of tokens too
    assert int(other.headers["retry-after"]) >= 1
    assert {r.status for r in _refusals(api)} == {429}


def test_every_refusal_is_recorded_with_who_what_when(client: TestClient, api: Api) -> None:
    client.get("/api/users")  # 401: no credentials
    client.get("/api/users", headers={"X-API-Key": "mallory.guess"})  # 401: bad key
    client.get("/api/users", headers=api.headers("operator"))  # 403
    client.post("/api/control/overrides", headers=api.headers("viewer"), json={})  # 403
    response = client.get("/api/audit/refusals", headers=api.headers("admin"))
    assert response.status_code == 200
    rows = sorted((r["status"], r["who"], r["method"], r["path"]) for r in response.json())
    assert rows == [
        (401, "?mallory", "GET", "/api/users"),
        (401, "anonymous", "GET", "/api/users"),
        (403, "operator", "GET", "/api/users"),
        (403, "viewer", "POST", "/api/control/overrides"),
    ]
    assert {r["at"] for r in response.json()} == {NOW.isoformat().replace("+00:00", "Z")}
    reasons = {r["who"]: r["reason"] for r in response.json()}
    assert reasons["operator"] == "needs role admin"


def _refusals(api: Api) -> list[Refusal]:
    context = api.app.state.context
    context.refusals.flush()
    found: list[Refusal] = context.ledger.refusals(
        NOW - timedelta(hours=1), NOW + timedelta(hours=1), 100
    )
    return found
