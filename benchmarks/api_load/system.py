"""A whole live system on free ports, set up as docs/operations.md sets it up.

A private Mosquitto runs the shipped `deploy/mosquitto/mosquitto.conf` and
ACL (`private_conf`) with the scenario's passwords (`write_broker_config`,
what `supplysync broker-config` writes); `supplysync run --placement inline`
records into a fresh store (SQLite in the temporary directory, or a new
PostgreSQL database dropped afterwards); `supplysync serve` serves that
store with a generated secret and admin key, and the rate limits raised so
the clients measure the API, not its limiter; `supplysync devices` plays
the scenario's fleet, started once the ingest is connected (a broker queues
QoS 1 messages for a session only once it has subscribed, so what devices
published before would be lost). Every one is a separate process, as in
production, sharing nothing but the store.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Final, Literal, Self, TypeVar
from urllib.parse import urlencode

import httpx
import psycopg

from adapters.devices.broker_config import (
    CREDENTIALS_FILE,
    INGEST_USER,
    private_conf,
    write_broker_config,
)
from benchmarks.api_load.processes import Child
from benchmarks.local import free_port, listening, which
from supplysync.scenario import Scenario, load_scenario

ROOT: Final = Path(__file__).resolve().parents[2]
DEMO: Final = ROOT / "scenarios" / "demo.toml"
BROKER_CONF: Final = ROOT / "deploy" / "mosquitto" / "mosquitto.conf"
ACL: Final = ROOT / "deploy" / "mosquitto" / "acl"
RATE_PER_S: Final = 10_000.0
"""The API's rate limit during the benchmark (its settings' ceiling; default 20/s)."""
RATE_BURST: Final = 100_000
"""The API's bucket size during the benchmark (its settings' ceiling; default 60)."""
START_TIMEOUT_S: Final = 60.0
STOP_TIMEOUT_S: Final = 30.0
T = TypeVar("T")


class LiveSystemError(RuntimeError):
    """The system did not come up (or a part of it stopped); the message says which."""


@dataclass(frozen=True)
class SystemSettings:
    """What to run.

    Attributes:
        db: the store's backend.
        speed: simulated seconds per wall second of the devices.
        scenario: the scenario TOML everything runs.
        postgres_server: where `db="postgresql"` creates its fresh database.
    """

    db: Literal["sqlite", "postgresql"] = "sqlite"
    speed: float = 60.0
    scenario: Path = DEMO
    postgres_server: str = "postgresql://postgres@127.0.0.1:5432"


class LiveSystem:
    """Broker, live loop, API and devices, started on entry and stopped (in order) on exit.

    After entry: `base_url` of the API, `viewer_key` (a viewer the admin made
    through the API, as the docs do), `store_url`, `scenario`, `started_at`.
    """

    def __init__(self, settings: SystemSettings) -> None:
        self.settings = settings
        self.scenario: Scenario = load_scenario(settings.scenario)
        self.children: dict[str, Child] = {}
        self.store_url = ""
        self.base_url = ""
        self.viewer_key = ""
        self.started_at = datetime.now(UTC)
        self._tmp = tempfile.TemporaryDirectory(prefix="supplysync-api-load-")
        self._work = Path(self._tmp.name)
        self._database: str | None = None

    def __enter__(self) -> Self:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def history_query(self) -> str:
        """The range every reading of this run falls in, as `since`/`until` query text."""
        since = self.started_at - timedelta(minutes=1)
        until = since + timedelta(days=self.scenario.simulation.days + 1)
        return urlencode({"since": _iso(since), "until": _iso(until)})

    def wait_warm(self, asset_id: str, timeout_s: float = START_TIMEOUT_S) -> None:
        """Until the store holds a plan and `asset_id` has readings (asked of the API)."""
        history = f"/api/assets/{asset_id}/history?{self.history_query()}"
        with self._client() as client:

            def warm() -> bool:
                plans = client.get("/api/plans")
                readings = client.get(history)
                return (
                    plans.status_code == 200
                    and bool(plans.json())
                    and readings.status_code == 200
                    and bool(readings.json()["readings"])
                )

            self._until("a plan and readings in the store", warm, timeout_s)

    def keep_running(self, seconds: float) -> None:
        """Let the system run `seconds` more; `ChildExitedError` if a part of it stops."""
        end = time.monotonic() + seconds
        self._until("waiting", lambda: time.monotonic() >= end, seconds + START_TIMEOUT_S)

    def check(self) -> None:
        """`ChildExitedError` if a part of the system has stopped."""
        for child in self.children.values():
            child.check()

    def cpu_seconds(self) -> dict[str, float | None]:
        """CPU seconds each child has used so far."""
        return {name: child.cpu_seconds() for name, child in self.children.items()}

    def close(self) -> None:
        """Stop the children, devices first and the broker last, then drop what was made."""
        for name in ("devices", "serve", "run", "mosquitto"):
            child = self.children.pop(name, None)
            if child is not None:
                child.stop(STOP_TIMEOUT_S)
        if self._database is not None:
            with contextlib.suppress(psycopg.Error), self._postgres() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)')
            self._database = None
        self._tmp.cleanup()

    def _start(self) -> None:
        broker_dir = self._work / "broker"
        write_broker_config(self.scenario.network, broker_dir)
        creds = str(broker_dir / CREDENTIALS_FILE)
        mqtt_port = free_port()
        conf = self._work / "mosquitto.conf"
        conf.write_text(
            private_conf(
                BROKER_CONF.read_text(),
                workdir=broker_dir,
                port=mqtt_port,
                acl=ACL,
                user=getpass.getuser(),
            )
        )
        self.store_url = self._new_store()
        self._spawn("mosquitto", [_mosquitto(), "-c", str(conf)])
        self._until("mosquitto listening", lambda: listening(mqtt_port), START_TIMEOUT_S)

        broker = f"mqtt://127.0.0.1:{mqtt_port}"
        scenario = str(self.settings.scenario)
        common = ["--db", self.store_url, "--scenario", scenario]
        run = ["run", "--broker", broker, *common, "--credentials", creds, "--placement", "inline"]
        self._spawn("run", _supplysync(*run))
        api_port = free_port()
        admin = secrets.token_urlsafe(32)
        env = {
            **os.environ,
            "SUPPLYSYNC_API_SECRET_KEY": secrets.token_urlsafe(48),
            "SUPPLYSYNC_API_ADMIN_KEY": admin,
            "SUPPLYSYNC_API_RATE_PER_S": str(RATE_PER_S),
            "SUPPLYSYNC_API_RATE_BURST": str(RATE_BURST),
        }
        self._spawn("serve", _supplysync("serve", *common, "--port", str(api_port)), env=env)
        self.base_url = f"http://127.0.0.1:{api_port}"

        connected = re.compile(rf"\bu'{re.escape(INGEST_USER)}'")
        log = broker_dir / "mosquitto.log"
        self._until(
            "the live loop's ingest connected to the broker",
            lambda: log.exists() and connected.search(log.read_text()) is not None,
            START_TIMEOUT_S,
        )
        self.started_at = datetime.now(UTC)
        devices = ["devices", "--broker", broker, "--scenario", scenario, "--credentials", creds]
        self._spawn("devices", _supplysync(*devices, "--speed", str(self.settings.speed)))
        self._until("the API listening", self._answers, START_TIMEOUT_S)
        self.viewer_key = self._viewer(f"admin.{admin}")

    def _new_store(self) -> str:
        if self.settings.db == "sqlite":
            return f"sqlite:///{self._work / 'events.db'}"
        name = f"supplysync_bench_{secrets.token_hex(4)}"
        with self._postgres() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._database = name
        return f"{self.settings.postgres_server.rstrip('/')}/{name}"

    def _postgres(self) -> psycopg.Connection[tuple[object, ...]]:
        url = f"{self.settings.postgres_server.rstrip('/')}/postgres"
        return psycopg.connect(url, autocommit=True, connect_timeout=5)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = self._work / f"{name}.log"
        self.children[name] = Child(name, argv, log=log, env=env, cwd=ROOT)

    def _client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-API-Key": key or self.viewer_key}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)

    def _answers(self) -> bool:
        try:
            with self._client("nobody.x") as client:
                return client.get("/api/auth/me").status_code == 401
        except httpx.TransportError:
            return False

    def _viewer(self, admin_key: str) -> str:
        with self._client(admin_key) as client:
            made = client.post("/api/users", json={"name": "bench-viewer", "role": "viewer"})
        if made.status_code != 201:
            raise LiveSystemError(f"creating a viewer: {made.status_code} {made.text}")
        return str(made.json()["api_key"])

    def _until(self, what: str, check: Callable[[], T], timeout_s: float) -> T:
        """Poll `check` until it is truthy; fail if a child exits or `timeout_s` passes."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.check()
            found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {c.name}:\n{c.tail(800)}" for c in self.children.values())
                raise LiveSystemError(f"{what}: not within {timeout_s:.0f} s\n{tails}")
            time.sleep(0.2)


def _supplysync(*args: str) -> list[str]:
    """The CLI in this interpreter, so the benchmark runs the code it sits beside."""
    return [sys.executable, "-m", "console", *args]


def _mosquitto() -> str:
    try:
        return which("mosquitto")
    except FileNotFoundError as exc:
        raise LiveSystemError(str(exc)) from exc


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
