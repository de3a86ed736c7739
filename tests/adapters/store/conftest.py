"""Store fixtures: one empty store per test, on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (trust auth, user `postgres`).
The session creates a private database from the `test` database and drops
it at the end; each test gets its own schema in it, so no test sees
another's rows. When the server is unreachable the PostgreSQL cases skip,
unless `SUPPLYSYNC_REQUIRE_SERVICES=1`, when they fail.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

SERVER = "postgresql://postgres@127.0.0.1:5432"
_schemas = itertools.count()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The URL of a fresh database for this session, dropped afterwards."""
    name = f"supplysync_store_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(f"{SERVER}/test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL at {SERVER}/test unreachable: {exc}"
        if os.environ.get("SUPPLYSYNC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (SUPPLYSYNC_REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{SERVER}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/events.db"
    database: str = request.getfixturevalue("pg_database")
    schema = f"t{next(_schemas)}"
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{database}?options=-csearch_path%3D{schema}"
