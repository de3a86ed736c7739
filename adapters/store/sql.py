"""The event store on SQL: one code path for SQLite and PostgreSQL.

Both drivers speak DB-API 2, both databases understand the same DDL and
`INSERT ... ON CONFLICT (...) DO NOTHING`, so the only difference left is
the parameter marker (`?` for sqlite3, `%s` for psycopg) and how a
connection is opened (see `sqlite.py` and `postgres.py`). Nothing here
updates or deletes a row of the log: it only grows. Only the read models
(`read_models.py`) and the operations center's ledger (`ledger.py`) update
rows in place.

The store is a synchronous context manager, unlike the async adapters the
style guide asks for: the research loop that writes it is synchronous,
and sqlite3 is too. The live ingest calls it from a worker thread.

Errors: every sqlite3 or psycopg error becomes `StoreError`, naming the URL
without its password and chained to the driver's exception;
`StoreUnavailableError` when PostgreSQL could not be reached or dropped the
connection. A dropped connection (a server restart) is replaced at the next
call: that call connects again, so a store outlives the server's restarts,
and what to do with the call that failed is its caller's to decide.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from types import TracebackType
from typing import Any, Final, Self, TypeVar

import psycopg
from pydantic import BaseModel, TypeAdapter

from adapters.store import batches, migrations, postgres, read_models, sqlite
from adapters.store.errors import StoreError, StoreUnavailableError, redact, scrub
from adapters.store.inserts import insert_sql, rows_per_statement, statements
from adapters.store.ledger import SqlLedger
from adapters.store.protocol import LIVE_RUN, Ledger
from adapters.store.schema import (
    EVENT_COLUMNS,
    READING_TYPES,
    Record,
    cause_rows,
    event_rows,
    micros,
)
from adapters.store.unreadable import Loader
from supplysync.commands import Command, CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan, PlanSummary
from supplysync.readings import READING_ADAPTER, Reading
from supplysync.snapshots import AgentSnapshot, ReadingPosition, log_order
from supplysync.status import LoopStatus

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_LOG = logging.getLogger(__name__)

_DRIVER_ERRORS: Final = (sqlite3.Error, psycopg.Error)
_SQLITE: Final = "sqlite://"
_POSTGRES: Final = ("postgresql://", "postgres://")

_EVENT_KEY: Final = ("run_id", "kind", "record_key")
_INSERT_CAUSE: Final = (
    "INSERT INTO plan_causes (run_id, plan_id, alert_id, position) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (run_id, plan_id, alert_id) DO NOTHING"
)
_INSERT_SNAPSHOT: Final = (
    "INSERT INTO snapshots (run_id, asset_id, generation, taken_us, body) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, asset_id, generation) DO NOTHING"
)
_LATEST_SNAPSHOT: Final = (
    "SELECT body FROM snapshots WHERE run_id = ? AND asset_id = ? ORDER BY generation DESC LIMIT 1"
)
_CAUSES: Final = (
    "SELECT e.body FROM plan_causes c JOIN events e ON e.run_id = c.run_id "
    "AND e.kind = 'alert' AND e.record_key = c.alert_id "
    "WHERE c.run_id = ? AND c.plan_id = ? ORDER BY c.position"
)


class SqlEventStore:
    """An append-only event store in SQLite or PostgreSQL, chosen by URL.

    `sqlite:///tmp/x.db` is the file `/tmp/x.db` (the path is everything after
    `sqlite://`, so `sqlite://data/x.db` is relative), `sqlite://` is a
    private in-memory database, and `postgresql://user:pass@host:port/db`
    (or `postgres://`) is passed to libpq as is. Nothing connects until the
    store is entered; the schema is created then if missing, and checked
    again whenever a dropped connection is replaced. The operations
    center's ledger shares the connection (`ledger`).

    Args:
        url: where the store lives.
        busy_timeout_s: SQLite: how long a writer waits for another's lock.
        connect_timeout_s: PostgreSQL: how long to wait for the server.

    Raises:
        StoreError: the URL names no supported database.
        ValueError: a timeout out of range.
    """

    def __init__(self, *, url: str, busy_timeout_s: float = 5.0, connect_timeout_s: int = 5):
        if not 0 < busy_timeout_s <= 600:
            raise ValueError(f"Expected 0 < busy_timeout_s <= 600, got {busy_timeout_s}.")
        if not 1 <= connect_timeout_s <= 600:
            raise ValueError(f"Expected 1 <= connect_timeout_s <= 600, got {connect_timeout_s}.")
        self._url = url
        self._connect: Callable[[], Any]
        self._lost: Callable[[Any], bool] = lambda _: False
        if url.startswith(_SQLITE):
            path = url.removeprefix(_SQLITE) or sqlite.MEMORY
            self._connect = lambda: sqlite.connect(path, busy_timeout_s=busy_timeout_s)
            self._marker = "?"
            self._lock = sqlite.MIGRATION_LOCK
            self._rows_per_insert_of: Callable[[Any], int] = lambda conn: rows_per_statement(
                len(EVENT_COLUMNS), sqlite.ROWS_PER_INSERT, sqlite.parameter_limit(conn)
            )
        elif url.startswith(_POSTGRES):
            self._connect = lambda: postgres.connect(url, connect_timeout_s=connect_timeout_s)
            self._lost = postgres.lost
            self._marker = "%s"
            self._lock = postgres.MIGRATION_LOCK
            self._rows_per_insert_of = lambda _: rows_per_statement(
                len(EVENT_COLUMNS), postgres.ROWS_PER_INSERT, postgres.PARAMETER_LIMIT
            )
        else:
            raise StoreError(
                f"unsupported store URL {redact(url)!r}: "
                "expected sqlite:///path, sqlite:// or postgresql://..."
            )
        self._conn: Any = None
        self._entered = False
        self.ledger: Ledger = SqlLedger(self._transaction, self._marker)
        """The operations center's records in the same database, on the same connection."""

    @property
    def url(self) -> str:
        """The URL with its password redacted, for logs and messages."""
        return redact(self._url)

    def __enter__(self) -> Self:
        self._entered = True
        try:
            self._open()
        except BaseException:
            self._entered = False
            raise
        return self

    def _open(self) -> None:
        """Connect, and bring the schema to the code's version."""
        try:
            self._conn = self._connect()
        except _DRIVER_ERRORS as exc:
            raise self._error("cannot open", exc) from exc
        except StoreError as exc:
            raise StoreError(f"{self.url}: {exc}") from exc
        self._rows_per_insert = self._rows_per_insert_of(self._conn)
        try:
            with self._transaction() as cur:
                cur.execute(self._lock)
                if read_models.VERSION in migrations.apply(cur, marker=self._marker):
                    read_models.backfill(cur, self._marker)
        except migrations.NewerSchemaError as exc:
            self._close()
            raise StoreError(f"{self.url}: {exc}") from exc
        except StoreError:
            self._close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
        self._entered = False

    def append(self, records: Iterable[Record], *, run_id: str = LIVE_RUN) -> None:
        """Record `records` in one transaction; records already stored are skipped.

        Sampled readings go many to a row (`batches.py`), the rest one row each;
        the read models (`read_models.py`) follow in the same transaction.
        """
        sampled: list[Reading] = []
        others: list[Record] = []
        for record in records:
            (sampled if batches.is_sampled(record) else others).append(record)  # type: ignore[arg-type]
        rows = event_rows(others, run_id)
        batch_rows = batches.batch_rows(sampled, run_id)
        plans = [r for r in others if isinstance(r, Plan)]
        readings = [*sampled, *(r for r in others if isinstance(r, READING_TYPES))]
        with self._transaction() as cur:
            for n, values in statements(rows, self._rows_per_insert):
                sql = insert_sql("events", EVENT_COLUMNS, _EVENT_KEY, n, self._marker)
                cur.executemany(sql, values)
            for n, values in statements(batch_rows, self._rows_per_insert):
                sql = insert_sql(
                    "reading_batches", batches.BATCH_COLUMNS, batches.BATCH_KEY, n, self._marker
                )
                cur.executemany(sql, values)
            causes = cause_rows(plans)
            if causes:
                cur.executemany(self._sql(_INSERT_CAUSE), [(run_id, *c) for c in causes])
            read_models.write(cur, readings, plans, run_id, self._marker)

    def runs(self) -> list[str]:
        """The run ids that have records, sorted."""
        with self._transaction() as cur:
            cur.execute(
                "SELECT run_id FROM events UNION SELECT run_id FROM reading_batches ORDER BY run_id"
            )
            return [str(row[0]) for row in cur.fetchall()]

    def plan(self, plan_id: str, *, run_id: str = LIVE_RUN) -> Plan | None:
        found = self._select(Plan, "plan", run_id, "record_key = ?", (plan_id,))
        return found[0] if found else None

    def plans(self, *, run_id: str = LIVE_RUN, since: datetime | None = None) -> list[Plan]:
        """Every plan of the run (created at or after `since`, if given), oldest first."""
        if since is None:
            return self._select(Plan, "plan", run_id)
        return self._select(Plan, "plan", run_id, "ts_us >= ?", (micros(since),))

    def plan_summaries(
        self,
        *,
        run_id: str = LIVE_RUN,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PlanSummary]:
        """The headline of every plan created in `[since, until)` (either open), oldest first."""
        where, params = "run_id = ?", list[object]([run_id])
        if since is not None:
            where, params = f"{where} AND created_us >= ?", [*params, micros(since)]
        if until is not None:
            where, params = f"{where} AND created_us < ?", [*params, micros(until)]
        sql = f"SELECT body FROM plan_summaries WHERE {where} ORDER BY created_us, plan_id"
        with self._transaction() as cur:
            cur.execute(self._sql(sql), params)
            bodies = [str(row[0]) for row in cur.fetchall()]
        return self._load(TypeAdapter(PlanSummary), bodies, "plan summary", run_id)

    def latest_plan(self, *, run_id: str = LIVE_RUN) -> Plan | None:
        """The plan created last, if any."""
        sql = (
            "SELECT plan_id FROM plan_summaries WHERE run_id = ? "
            "ORDER BY created_us DESC, plan_id DESC LIMIT 1"
        )
        with self._transaction() as cur:
            cur.execute(self._sql(sql), (run_id,))
            row = cur.fetchone()
        return None if row is None else self.plan(str(row[0]), run_id=run_id)

    def causes_of(self, plan_id: str, *, run_id: str = LIVE_RUN) -> list[Alert]:
        """The stored alerts that caused the plan, in the plan's order of causes.

        Causes that are not alerts (operator requests) have no alert to return.
        """
        with self._transaction() as cur:
            cur.execute(self._sql(_CAUSES), (run_id, plan_id))
            bodies = [str(row[0]) for row in cur.fetchall()]
        return self._load(TypeAdapter(Alert), bodies, "alert", run_id)

    def alerts(
        self,
        since: datetime,
        until: datetime,
        asset_id: str | None = None,
        *,
        run_id: str = LIVE_RUN,
    ) -> list[Alert]:
        """Alerts raised in `[since, until)`, of one asset or all, oldest first."""
        where, params = _time_range(since, until)
        if asset_id is not None:
            where, params = f"{where} AND asset_id = ?", (*params, asset_id)
        return self._select(Alert, "alert", run_id, where, params)

    def readings(
        self, asset_id: str, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[Reading]:
        """An asset's readings taken in `[since, until)`, oldest first."""
        where, params = _time_range(since, until)
        rows = self._bodies("reading", run_id, f"asset_id = ? AND {where}", (asset_id, *params))
        batched = self._batches(run_id, asset_id, since, until)
        found = batches.distinct([*self._load(READING_ADAPTER, rows, "reading", run_id), *batched])
        inside = [r for r in found if since <= r.ts < until]
        return sorted(inside, key=_stored_order)

    def latest_readings(self, since: datetime, *, run_id: str = LIVE_RUN) -> list[Reading]:
        """Every asset's newest reading of each kind and subject, taken at or after `since`.

        A subject is a stock level's product or a tracker's shipment
        (`read_models.subject`); ordered by asset, then time.
        """
        sql = (
            "SELECT body FROM latest_readings WHERE run_id = ? AND ts_us >= ? "
            "ORDER BY asset_id, ts_us, kind, subject"
        )
        with self._transaction() as cur:
            cur.execute(self._sql(sql), (run_id, micros(since)))
            bodies = [str(row[0]) for row in cur.fetchall()]
        return self._load(READING_ADAPTER, bodies, "latest reading", run_id)

    def readings_after(
        self, asset_id: str, position: ReadingPosition | None, *, run_id: str = LIVE_RUN
    ) -> list[Reading]:
        """An asset's readings that `position` does not cover (all for None), in log order.

        Log order (`supplysync.snapshots.log_order`) is time, then device, then
        sequence number compared as a number (the record key would put seq 10
        before seq 9 of the same instant). Rows before `position.since` are
        not read at all.
        """
        since = None if position is None else position.since
        if since is None:
            rows = self._bodies("reading", run_id, "asset_id = ?", (asset_id,))
        else:
            where = "asset_id = ? AND ts_us >= ?"
            rows = self._bodies("reading", run_id, where, (asset_id, micros(since)))
        batched = self._batches(run_id, asset_id, since, None)
        found = batches.distinct([*self._load(READING_ADAPTER, rows, "reading", run_id), *batched])
        fresh = [
            r
            for r in found
            if position is None or not (position.covers(r) or (since and r.ts < since))
        ]
        return sorted(fresh, key=log_order)

    def save_snapshots(self, snapshots: Iterable[AgentSnapshot], *, run_id: str = LIVE_RUN) -> None:
        """Record agent snapshots in one transaction; a generation is written once."""
        rows = [
            (run_id, s.asset_id, s.generation, micros(s.taken_at), s.model_dump_json())
            for s in snapshots
        ]
        if rows:
            with self._transaction() as cur:
                cur.executemany(self._sql(_INSERT_SNAPSHOT), rows)

    def latest_snapshot(self, asset_id: str, *, run_id: str = LIVE_RUN) -> AgentSnapshot | None:
        """The asset's snapshot of the highest generation, if any."""
        with self._transaction() as cur:
            cur.execute(self._sql(_LATEST_SNAPSHOT), (run_id, asset_id))
            row = cur.fetchone()
        return self._one(AgentSnapshot, row, "snapshot", run_id)

    def commands(self, plan_id: str, *, run_id: str = LIVE_RUN) -> list[Command]:
        """The commands dispatched for a plan."""
        return self._select(Command, "command", run_id, "plan_id = ?", (plan_id,))

    def recent_commands(
        self, limit: int, *, plan_id: str | None = None, run_id: str = LIVE_RUN
    ) -> list[Command]:
        """The `limit` commands issued last (of `plan_id` only, if given), newest first."""
        where, params = "run_id = ? AND kind = 'command'", list[object]([run_id])
        if plan_id is not None:
            where, params = f"{where} AND plan_id = ?", [*params, plan_id]
        sql = f"SELECT body FROM events WHERE {where} ORDER BY ts_us DESC, record_key DESC LIMIT ?"
        with self._transaction() as cur:
            cur.execute(self._sql(sql), [*params, limit])
            bodies = [str(row[0]) for row in cur.fetchall()]
        return self._load(TypeAdapter(Command), bodies, "command", run_id)

    def requests(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[OperatorRequest]:
        """Operator requests accepted in `[since, until)`, oldest first."""
        return self._select(OperatorRequest, "request", run_id, *_time_range(since, until))

    def latest_network(self, *, run_id: str = LIVE_RUN) -> NetworkSnapshot | None:
        """The most recent network snapshot the planner saw (what-ifs start from it)."""
        sql = (
            "SELECT body FROM events WHERE run_id = ? AND kind = 'network' "
            "ORDER BY ts_us DESC LIMIT 1"
        )
        with self._transaction() as cur:
            cur.execute(self._sql(sql), (run_id,))
            row = cur.fetchone()
        return self._one(NetworkSnapshot, row, "network", run_id)

    def latest_status(self, *, run_id: str = LIVE_RUN) -> LoopStatus | None:
        """The live loop's most recent status (the API reports its queues from it)."""
        sql = (
            "SELECT body FROM events WHERE run_id = ? AND kind = 'status' "
            "ORDER BY ts_us DESC LIMIT 1"
        )
        with self._transaction() as cur:
            cur.execute(self._sql(sql), (run_id,))
            row = cur.fetchone()
        return self._one(LoopStatus, row, "status", run_id)

    def acks(self, command_id: str, *, run_id: str = LIVE_RUN) -> list[CommandAck]:
        """A command's acknowledgements from its device, oldest first."""
        prefix = f"{command_id}\x1f"  # keys are command_id, unit separator, status
        where = "record_key > ? AND record_key < ?"
        return self._select(CommandAck, "ack", run_id, where, (prefix, f"{command_id}\x20"))

    def dead_letters(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[DeadLetter]:
        """Input refused in `[since, until)`, oldest first."""
        return self._select(DeadLetter, "dead_letter", run_id, *_time_range(since, until))

    def orders(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[CustomerOrder]:
        """Customer orders created in `[since, until)`."""
        return self._select(CustomerOrder, "order", run_id, *_time_range(since, until))

    def orders_named(
        self, order_ids: Sequence[str], *, run_id: str = LIVE_RUN
    ) -> list[CustomerOrder]:
        """The stored orders with these ids (an id names one order of a run)."""
        ids = list(dict.fromkeys(order_ids))
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        return self._select(CustomerOrder, "order", run_id, f"record_key IN ({marks})", tuple(ids))

    def deliveries(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[ProofOfDelivery]:
        """Proofs of delivery signed in `[since, until)`."""
        return self._select(ProofOfDelivery, "delivery", run_id, *_time_range(since, until))

    def cancellations(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[OrderCancellation]:
        """Orders withdrawn in `[since, until)` (one record per order: the first stands)."""
        return self._select(OrderCancellation, "cancellation", run_id, *_time_range(since, until))

    def _select(
        self,
        model: type[M],
        kind: str,
        run_id: str,
        where: str = "TRUE",
        params: Sequence[object] = (),
    ) -> list[M]:
        bodies = self._bodies(kind, run_id, where, params)
        return self._load(TypeAdapter(model), bodies, kind, run_id)

    def _one(
        self, model: type[M], row: Sequence[object] | None, kind: str, run_id: str
    ) -> M | None:
        """The record in `row` (None for no row, or one that no longer loads)."""
        if row is None:
            return None
        found = self._load(TypeAdapter(model), [str(row[0])], kind, run_id)
        return found[0] if found else None

    def _load(self, adapter: TypeAdapter[T], bodies: list[str], kind: str, run_id: str) -> list[T]:
        """The records of `bodies` that load; each that does not is kept as a dead letter."""
        loader = Loader()
        records = loader.each(adapter, bodies, kind)
        self._keep_unreadable(loader, run_id)
        return records

    def _keep_unreadable(self, loader: Loader, run_id: str) -> None:
        if loader.letters:
            for letter in loader.letters:
                _LOG.warning("%s: %s (dead letter %s)", self.url, letter.reason, letter.letter_id)
            self.append(loader.letters, run_id=run_id)

    def _bodies(self, kind: str, run_id: str, where: str, params: Sequence[object]) -> list[str]:
        sql = (
            "SELECT body FROM events WHERE run_id = ? AND kind = ? "
            f"AND {where} ORDER BY ts_us, record_key"
        )
        with self._transaction() as cur:
            cur.execute(self._sql(sql), (run_id, kind, *params))
            return [str(row[0]) for row in cur.fetchall()]

    def _batches(
        self, run_id: str, asset_id: str, since: datetime | None, until: datetime | None
    ) -> list[Reading]:
        """The batched readings of rows that may hold one taken in `[since, until)`."""
        where = "run_id = ? AND asset_id = ?"
        params: list[object] = [run_id, asset_id]
        if since is not None:
            where += " AND last_us >= ?"
            params.append(micros(since))
        if until is not None:
            where += " AND first_us < ?"
            params.append(micros(until))
        sql = f"SELECT body FROM reading_batches WHERE {where} ORDER BY last_us, batch_key"
        with self._transaction() as cur:
            cur.execute(self._sql(sql), params)
            bodies = [str(row[0]) for row in cur.fetchall()]
        loader = Loader()
        readings = loader.batched(bodies, batches.READINGS)
        self._keep_unreadable(loader, run_id)
        return readings

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._marker)

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor whose work commits on success and rolls back on any failure.

        A connection the server dropped is replaced first (`StoreUnavailableError`
        if that fails too, and the next call tries again).
        """
        if not self._entered:
            raise StoreError(f"{self.url}: the store is not open (use it in a `with` block)")
        if self._conn is None or self._lost(self._conn):
            self._close()
            self._open()
        conn = self._conn
        try:
            cur = conn.cursor()
            try:
                yield cur
            finally:
                cur.close()
            conn.commit()
        except _DRIVER_ERRORS as exc:
            self._rollback()
            raise self._error("failed", exc) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        with suppress(*_DRIVER_ERRORS):
            self._conn.rollback()

    def _close(self) -> None:
        if self._conn is not None:
            with suppress(*_DRIVER_ERRORS):
                self._conn.close()
            self._conn = None

    def _error(self, what: str, exc: Exception) -> StoreError:
        """`exc` as ours, on one line; unavailable if it was the server that went away."""
        message = f"{self.url}: {what}: {' '.join(scrub(str(exc), self._url).split())}"
        gone = isinstance(exc, psycopg.OperationalError) and (
            self._conn is None or self._lost(self._conn)
        )
        return StoreUnavailableError(message) if gone else StoreError(message)


def _stored_order(reading: Reading) -> tuple[int, str]:
    """The order of `events` rows (`ts_us`, `record_key`), for readings from both tables."""
    return micros(reading.ts), f"{reading.device_id}\x1f{reading.seq}"


def _time_range(since: datetime, until: datetime) -> tuple[str, tuple[object, ...]]:
    return "ts_us >= ? AND ts_us < ?", (micros(since), micros(until))
