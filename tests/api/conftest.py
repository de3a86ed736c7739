"""Fixtures: a filled SQLite store, the app over it, a user of each role, a live server.

The app runs on `FixedClock` at `data.NOW`, so defaults ("the last 24 h"),
token expiry and record stamps are exact. `server` runs the same kind of app
under uvicorn in a thread on a free port, for what needs real HTTP: the
event stream, oversize bodies on a socket, the browser.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from adapters.store import open_store
from api.app import create_app
from api.routes.users import create_user
from api.schemas import UserCreate
from api.settings import Settings
from supplysync.ledger import Role
from tests.api import data

with warnings.catch_warnings():
    # Starlette suggests `httpx2` for its test client; httpx is what we have.
    # Tests import it from here, so the alias marks it re-exported for mypy.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient as TestClient  # noqa: PLC0414

SECRET = "test-secret-" + "0123456789abcdef" * 4  # 76 characters: long enough for HS512 too
ADMIN_SECRET = "admin-secret-for-the-tests-only-0123456789"


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "production",
        "secret_key": SECRET,
        "admin_key": ADMIN_SECRET,
        "rate_per_s": 1000.0,
        "rate_burst": 10_000,
        "poll_s": 0.1,
        "asset_poll_s": 0.1,
        **overrides,
    }
    return Settings(**values)


@dataclass
class Api:
    """An app, its store URL and clock, and an API key per role."""

    app: FastAPI
    url: str
    clock: FixedClock
    keys: dict[Role, str]

    def headers(self, role: Role) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with `data.records()`, made once (the MILP runs twice) and copied per test."""
    path = tmp_path_factory.mktemp("seed") / "events.db"
    with open_store(f"sqlite:///{path}") as store:
        store.append(data.records())
    return path


@pytest.fixture
def make_api(tmp_path: Path, seeded_db: Path) -> Callable[..., Api]:
    def make(**overrides: Any) -> Api:
        path = tmp_path / f"events-{len(list(tmp_path.iterdir()))}.db"
        path.write_bytes(seeded_db.read_bytes())
        url = f"sqlite:///{path}"
        clock = FixedClock(data.NOW)
        app = create_app(settings(**overrides), store_url=url, clock=clock, wall=clock)
        context = app.state.context
        keys: dict[Role, str] = {"admin": f"admin.{ADMIN_SECRET}"}
        for role in ("viewer", "operator"):
            made = create_user(context, UserCreate(name=role, role=role), "tests", f"{role}-key")
            keys[role] = made.api_key
        return Api(app=app, url=url, clock=clock, keys=keys)

    return make


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()


@pytest.fixture
def client(api: Api) -> Iterator[TestClient]:
    with TestClient(api.app) as c:
        yield c


@dataclass
class Server:
    api: Api
    base: str
    port: int


@pytest.fixture
def server(api: Api) -> Iterator[Server]:
    """The app under uvicorn on 127.0.0.1 and a free port, stopped after the test."""
    config = uvicorn.Config(api.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield Server(api=api, base=f"http://127.0.0.1:{port}", port=port)
    srv.should_exit = True
    thread.join(10)
