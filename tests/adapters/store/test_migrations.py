"""Schema migrations: a store made by older code takes every record kind of today's."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from adapters.store import StoreError, open_store
from adapters.store.migrations import LATEST, MIGRATIONS
from adapters.store.schema import event_rows
from supplysync.commands import CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.readings import TemperatureReading
from supplysync.status import LoopStatus
from tests.adapters.store import records as r

T0 = r.T0
EARLY = datetime(2000, 1, 1, tzinfo=UTC)
LATE = datetime(2100, 1, 1, tzinfo=UTC)

# The schema as released before versions existed and before orders,
# deliveries, operator requests, network snapshots and loop statuses: its
# CHECK refuses them all.
OLD_DDL = (
    """CREATE TABLE events (
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
            ('reading', 'alert', 'plan', 'command', 'ack', 'dead_letter')),
        record_key TEXT NOT NULL,
        ts_us BIGINT NOT NULL,
        asset_id TEXT,
        plan_id TEXT,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, kind, record_key)
    )""",
    "CREATE INDEX events_by_time ON events (run_id, kind, ts_us)",
    "CREATE INDEX events_by_asset ON events (run_id, kind, asset_id, ts_us)",
    """CREATE TABLE plan_causes (
        run_id TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (run_id, plan_id, alert_id)
    )""",
)
OLD_READING = TemperatureReading(
    device_id="M1-tmp", asset_id="M1", seq=3, ts=T0 + timedelta(minutes=1), celsius=41.5
)


def _execute(url: str, statements: Sequence[str], params: Sequence[Any] = ()) -> list[Any]:
    """Run statements with a bare driver connection (the old code's), the last with `params`."""
    if url.startswith("sqlite://"):
        with closing(sqlite3.connect(url.removeprefix("sqlite://"))) as conn:
            for s in statements[:-1]:
                conn.execute(s)
            rows = conn.execute(statements[-1], params).fetchall()
            conn.commit()
            return rows
    with psycopg.connect(url) as pg:
        for s in statements[:-1]:
            pg.execute(s)
        cur = pg.execute(statements[-1].replace("?", "%s"), params)
        return cur.fetchall() if cur.description else []


def _old_store(url: str) -> None:
    """A store as the old code left it: old tables, one reading row in `events`."""
    (row,) = event_rows([OLD_READING], "live")
    insert = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)"
    _execute(url, [*OLD_DDL, insert], row)


def _every_kind(demo_scenario: Any) -> list[Any]:
    from tests.optimizer.conftest import snapshot_of

    return [
        *r.readings(),  # sampled (vibration, temperature) and state-changing (stock level)
        *r.alerts(),
        r.plan("milp-0001", causes=["a-1"]),
        r.command("milp-0001"),
        CommandAck(command_id="milp-0001/M1", asset_id="M1", ts=T0, status="done"),
        r.order(),
        r.delivery(),
        DeadLetter(letter_id="L-1", source="mqtt", topic="t", raw=b"x", reason="bad", at=T0),
        OperatorRequest(request_id="q-1", action="replan", by="ops", at=T0),
        snapshot_of(demo_scenario.network, 2),
        LoopStatus(
            taken_at=T0,
            readings_total=5,
            ingest_pending_messages=0,
            unacked_messages=0,
            commands_pending=0,
            alerts_queued=0,
            replan_running=False,
            host_failures=0,
        ),
    ]


def test_an_old_store_is_migrated_and_takes_every_current_kind(
    store_url: str, demo_scenario: Any
) -> None:
    _old_store(store_url)
    records = _every_kind(demo_scenario)
    kinds = {row[1] for row in event_rows(records, "live")}
    assert kinds >= {"order", "delivery", "request", "network", "status"}  # refused before
    with open_store(store_url) as store:
        store.append(records)
        assert store.readings("M1", EARLY, LATE) == [r.readings()[0], OLD_READING, r.readings()[1]]
        assert store.readings("V1", EARLY, LATE) == [r.readings()[2]]
        assert store.readings("W1", EARLY, LATE) == [r.readings()[3]]
        assert store.alerts(EARLY, LATE) == r.alerts()
        assert store.plans() == [records[7]]
        assert store.commands("milp-0001") == [r.command("milp-0001")]
        assert store.acks("milp-0001/M1") == [records[9]]
        assert store.orders(EARLY, LATE) == [r.order()]
        assert store.deliveries(EARLY, LATE) == [r.delivery()]
        assert store.dead_letters(EARLY, LATE) == [records[12]]
        assert store.requests(EARLY, LATE) == [records[13]]
        assert store.latest_network() == records[14]
        assert store.latest_status() == records[15]
        assert store.latest_snapshot("M1") is None  # a table version 1 added, now there
    versions = _execute(store_url, ["SELECT version, name FROM schema_migrations ORDER BY version"])
    assert versions == [(m.version, m.name) for m in MIGRATIONS]


def test_reopening_applies_nothing_again(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(r.readings())
    with open_store(store_url) as store:
        assert store.readings("M1", EARLY, LATE) == r.readings()[:2]
    versions = _execute(store_url, ["SELECT version FROM schema_migrations ORDER BY version"])
    assert versions == [(v,) for v in range(1, LATEST + 1)]


def test_a_store_newer_than_the_code_is_refused(store_url: str) -> None:
    with open_store(store_url):
        pass
    insert = "INSERT INTO schema_migrations (version, name) VALUES (?, ?)"
    _execute(store_url, [insert], (LATEST + 1, "from the future"))
    with pytest.raises(StoreError, match=f"schema version {LATEST + 1} is newer"):
        open_store(store_url).__enter__()
