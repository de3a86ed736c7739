"""Shared test fixtures.

Unit tests refuse to start Ray: an autouse fixture makes `ray.init` raise
unless the test carries the `ray` marker. Ray tests share one local
instance per session (starting one costs 5-9 s): the `ray_session` fixture.
Tests that need PostgreSQL share one private database: `pg_database`.
Every plan the MILP makes in a test passes the independent route audit.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
import ray

from tests.services import unavailable

if TYPE_CHECKING:
    from supplysync.offers import NetworkSnapshot
    from supplysync.plan import Plan
    from supplysync.scenario import PlanningSettings, Scenario

ROOT = Path(__file__).resolve().parents[1]
DEMO_SCENARIO = ROOT / "scenarios" / "demo.toml"


# Captured at import, before the autouse fixture below replaces it for
# unmarked tests, so the session start never depends on fixture order.
_REAL_RAY_INIT = ray.init


def start_local_ray() -> None:
    """The local two-core Ray of `ray_session` (a test that needed another Ray restores it so)."""
    _REAL_RAY_INIT(
        num_cpus=2,
        include_dashboard=False,
        logging_level=logging.WARNING,
        log_to_driver=False,
    )


def join_ray(address: str) -> None:
    """Connect this process to the Ray at `address` (a `ray.cluster_utils.Cluster`'s)."""
    _REAL_RAY_INIT(address=address, logging_level=logging.WARNING, log_to_driver=False)


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    """A local two-core Ray shared by all Ray tests, shut down at the end."""
    start_local_ray()
    yield
    ray.shutdown()


@pytest.fixture(autouse=True)
def _refuse_ray(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("ray") is not None:
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("unit tests must not start Ray; mark the test with @pytest.mark.ray")

    monkeypatch.setattr(ray, "init", refuse)


@pytest.fixture(autouse=True)
def _audit_every_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the independent route audit on every plan the MILP makes in this process.

    Stale plans (a previous plan kept in force) and plans with no solution
    are skipped: they were audited when made, or have no routes.
    """
    from optimizer.route_audit import audit_routes
    from optimizer.warm import WarmPlanner
    from supplysync.plan import PlanStatus

    original = WarmPlanner.plan

    def audited(
        self: WarmPlanner, snapshot: NetworkSnapshot, settings: PlanningSettings, **kwargs: Any
    ) -> Plan:
        plan = original(self, snapshot, settings, **kwargs)
        if plan.status not in (PlanStatus.STALE, PlanStatus.ERROR):
            problems = audit_routes(plan, snapshot, settings)
            assert not problems, f"plan {plan.plan_id} fails the route audit: {problems}"
        return plan

    monkeypatch.setattr(WarmPlanner, "plan", audited)


@pytest.fixture(scope="session")
def demo_scenario() -> Scenario:
    """The shipped demo scenario, parsed once."""
    from supplysync.scenario import load_scenario

    return load_scenario(DEMO_SCENARIO)


PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database for this session, dropped afterwards.

    The server is the one at 127.0.0.1:5432 (trust auth, user `postgres`);
    the database is created from `test`.
    """
    name = f"supplysync_store_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{PG_SERVER}/test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        unavailable(f"PostgreSQL at {PG_SERVER}/test unreachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
