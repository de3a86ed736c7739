"""`/healthz`: what a container's health check and a load balancer ask, without a key."""

from __future__ import annotations

import sqlite3

from api.deps import get_store
from tests.api.conftest import Api, TestClient


def test_a_serving_api_with_its_store_is_healthy_without_a_key(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "store": "ok"}


class LostStore:
    """A store whose database went away (the seam: the route's store dependency)."""

    def latest_status(self, *, run_id: str) -> None:
        raise sqlite3.OperationalError("unable to open database file")


def test_an_api_whose_store_fails_is_unhealthy_and_says_so(api: Api) -> None:
    api.app.dependency_overrides[get_store] = LostStore
    with TestClient(api.app) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "failing",
        "store": "OperationalError: unable to open database file",
    }
