"""The operations center's ledger in the store: users, acknowledgements, refusals.

Stores the API has served since before the ledger was a migration exist in
the field: the API made its tables itself. Such a store opens with its
users, acknowledgements and refusals kept, and records migration 5.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from adapters.store import open_store
from adapters.store.migrations import MIGRATIONS
from adapters.store.sql import SqlEventStore
from supplysync.ledger import AlertAck, Refusal, UserRecord

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# The tables as the API created them before they were a migration: the layout
# of stores in the field, copied here rather than taken from migration 5 so
# that an edit of the migration cannot change what it must upgrade.
API_DDL = (
    """CREATE TABLE IF NOT EXISTS api_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        salt TEXT NOT NULL,
        key_hash TEXT NOT NULL,
        created_us BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        active INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS api_acks (
        run_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        by_user TEXT NOT NULL,
        at_us BIGINT NOT NULL,
        comment TEXT NOT NULL,
        PRIMARY KEY (run_id, alert_id)
    )""",
    """CREATE TABLE IF NOT EXISTS api_refusals (
        refusal_id TEXT PRIMARY KEY,
        at_us BIGINT NOT NULL,
        who TEXT NOT NULL,
        client TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        status INTEGER NOT NULL,
        reason TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS api_refusals_by_time ON api_refusals (at_us)",
)
T0_US = int((T0 - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 1_000_000
API_ROWS = (
    (
        "INSERT INTO api_users VALUES (?, ?, ?, ?, ?, ?, ?)",
        ("admin", "admin", "s", "h", T0_US, "start-up", 1),
    ),
    (
        "INSERT INTO api_users VALUES (?, ?, ?, ?, ?, ?, ?)",
        ("ops", "operator", "s2", "h2", T0_US, "admin", 0),
    ),
    ("INSERT INTO api_acks VALUES (?, ?, ?, ?, ?)", ("live", "a-1", "ops", T0_US, "seen")),
    (
        "INSERT INTO api_refusals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ("r-1", T0_US, "?ops", "10.0.0.9", "GET", "/api/users", 401, "bad key"),
    ),
)


def _user(name: str, role: str = "viewer", *, active: bool = True) -> UserRecord:
    return UserRecord.model_validate(
        {
            "name": name,
            "role": role,
            "salt": f"salt-{name}",
            "key_hash": f"hash-{name}",
            "created_at": T0,
            "created_by": "admin",
            "active": active,
        }
    )


def _refusal(n: int, minutes: int) -> Refusal:
    return Refusal(
        refusal_id=f"r-{n}",
        at=T0 + timedelta(minutes=minutes),
        who="anonymous",
        client="127.0.0.1",
        method="GET",
        path="/api/plans",
        status=401,
        reason="no credentials",
    )


def _run(url: str, statements: Sequence[tuple[str, Sequence[object]]]) -> list[tuple[object, ...]]:
    """Run statements with a bare driver connection (the old API's); the last one's rows."""
    rows: list[tuple[object, ...]] = []
    if url.startswith("sqlite://"):
        with closing(sqlite3.connect(url.removeprefix("sqlite://"))) as conn:
            for sql, params in statements:
                rows = conn.execute(sql, params).fetchall()
            conn.commit()
        return rows
    with psycopg.connect(url) as pg:
        for sql, params in statements:
            cur = pg.execute(sql.replace("?", "%s"), params)
            rows = cur.fetchall() if cur.description else []
    return rows


def _served_by_the_old_api(url: str, *, with_api_tables: bool) -> None:
    """A store of schema version 4, with the API's own tables and rows if it served the API."""
    with open_store(url):
        pass
    drop = [(f"DROP TABLE {t}", ()) for t in ("api_refusals", "api_acks", "api_users")]
    forget = [("DELETE FROM schema_migrations WHERE version = 5", ())]
    made = [(s, ()) for s in API_DDL] + list(API_ROWS) if with_api_tables else []
    _run(url, [*drop, *forget, *made])


def test_users_acknowledgements_and_refusals_round_trip(store_url: str) -> None:
    with open_store(store_url) as opened:
        assert isinstance(opened, SqlEventStore)
        ledger = opened.ledger
        assert ledger.add_user(_user("viewer"))
        assert not ledger.add_user(_user("viewer", "admin"))  # the name is taken
        assert ledger.add_user(_user("admin", "admin"))
        assert [u.name for u in ledger.users()] == ["admin", "viewer"]
        assert ledger.user("viewer") == _user("viewer")
        assert ledger.user("nobody") is None

        assert ledger.set_key("viewer", "salt-2", "hash-2")
        assert ledger.deactivate("viewer")
        assert not ledger.deactivate("viewer")  # no longer active
        assert not ledger.set_key("viewer", "salt-3", "hash-3")
        revoked = _user("viewer", active=False).model_copy(
            update={"salt": "salt-2", "key_hash": "hash-2"}
        )
        assert ledger.user("viewer") == revoked

        first = AlertAck(alert_id="a-1", by="ops", at=T0, comment="seen")
        assert ledger.acknowledge("live", first) == first
        later = first.model_copy(update={"by": "other", "at": T0 + timedelta(hours=1)})
        assert ledger.acknowledge("live", later) == first  # the first stands
        assert ledger.acks("live", ["a-1", "a-2", "a-1"]) == {"a-1": first}
        assert ledger.acks("research", ["a-1"]) == {}  # acknowledgements are per run
        many = [f"x-{n}" for n in range(1_200)]
        assert ledger.acks("live", [*many, "a-1"]) == {"a-1": first}  # past one IN list

        ledger.record_refusals([_refusal(n, n) for n in range(5)])
        ledger.record_refusals([_refusal(0, 0)])  # written once
        ledger.record_refusals([])
        found = ledger.refusals(T0 + timedelta(minutes=1), T0 + timedelta(minutes=4), 2)
        assert found == [_refusal(3, 3), _refusal(2, 2)]  # newest first, `until` open


@pytest.mark.parametrize("with_api_tables", [True, False], ids=["served", "never-served"])
def test_a_store_of_schema_4_gains_the_ledger_and_keeps_what_the_api_wrote(
    store_url: str, with_api_tables: bool
) -> None:
    _served_by_the_old_api(store_url, with_api_tables=with_api_tables)
    with open_store(store_url) as opened:
        assert isinstance(opened, SqlEventStore)
        ledger = opened.ledger
        users = {u.name: (u.role, u.active, u.created_at) for u in ledger.users()}
        acks = ledger.acks("live", ["a-1"])
        refusals = ledger.refusals(T0, T0 + timedelta(seconds=1), 10)
        assert ledger.add_user(_user("new"))
    if with_api_tables:
        assert users == {"admin": ("admin", True, T0), "ops": ("operator", False, T0)}
        assert acks == {"a-1": AlertAck(alert_id="a-1", by="ops", at=T0, comment="seen")}
        assert [(r.refusal_id, r.who, r.status) for r in refusals] == [("r-1", "?ops", 401)]
    else:
        assert (users, acks, refusals) == ({}, {}, [])
    versions = _run(
        store_url, [("SELECT version, name FROM schema_migrations ORDER BY version", ())]
    )
    assert versions == [(m.version, m.name) for m in MIGRATIONS]
