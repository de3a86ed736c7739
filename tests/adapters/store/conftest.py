"""Store fixtures: one empty store per test, on SQLite and on PostgreSQL.

PostgreSQL is the session database of `tests/conftest.py`'s `pg_database`;
each test gets its own schema in it, so no test sees another's rows.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import psycopg
import pytest

_schemas = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/events.db"
    return _schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def pg_store_url(pg_database: str) -> str:
    """The URL of an empty PostgreSQL store (tests of concurrent writers, which SQLite refuses)."""
    return _schema_url(pg_database)


def _schema_url(database: str) -> str:
    schema = f"t{next(_schemas)}"
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{database}?options=-csearch_path%3D{schema}"
