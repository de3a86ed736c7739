"""The API's own tables, in the same database as the event store.

Users, alert acknowledgements and refused requests are the operations
center's records, not events of the supply chain: the live loop never reads
them and a replay must never meet them. So they live in tables of their own
(`api_users`, `api_acks`, `api_refusals`) beside the store's, created with
`CREATE TABLE IF NOT EXISTS` like the store's, reached through the store's
own connection helpers so SQLite gets the same WAL and busy-timeout settings
and PostgreSQL the same connect timeout. The event store's schema is left
untouched.

Each serving thread keeps one connection, opened at its first call: the API
serves requests from a thread pool and a sqlite3 connection belongs to one
thread, and a connection per call cost PostgreSQL a server process per
request (the alerts list: p50 12 ms against 6 ms on SQLite). A connection
that fails is dropped, so the thread's next call opens a fresh one (after a
database restart, say).

Errors: driver errors become `adapters.store.StoreError`, as in the store.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import psycopg

from adapters.store import StoreError
from adapters.store import postgres as pg_conn
from adapters.store import sqlite as sqlite_conn
from adapters.store.schema import micros
from api.schemas import ROLES, AckPublic, Refusal, Role, UserRecord

_DRIVER_ERRORS: Final = (sqlite3.Error, psycopg.Error)

DDL: Final = (
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


class Ledger:
    """Users, acknowledgements and refusals in the database at `url`.

    Args:
        url: the event store's URL (`sqlite:///path` or `postgresql://...`).

    Raises:
        StoreError: an unsupported URL, or the tables cannot be created.
    """

    def __init__(self, url: str) -> None:
        self._connect: Callable[[], Any]
        self._local = threading.local()
        if url.startswith("sqlite://"):
            path = url.removeprefix("sqlite://")
            if not path:
                raise StoreError("the API needs a database file or server, not sqlite://")
            self._connect = lambda: sqlite_conn.connect(path, busy_timeout_s=5.0)
            self._marker = "?"
        elif url.startswith(("postgresql://", "postgres://")):
            self._connect = lambda: pg_conn.connect(url, connect_timeout_s=5)
            self._marker = "%s"
        else:
            raise StoreError("unsupported store URL: expected sqlite:///path or postgresql://...")
        with self._cursor() as cur:
            for statement in DDL:
                cur.execute(statement)

    def add_user(self, user: UserRecord) -> bool:
        """Store a new user; False when the name is taken."""
        sql = (
            "INSERT INTO api_users (name, role, salt, key_hash, created_us, created_by, active) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
        )
        row = (user.name, user.role, user.salt, user.key_hash, micros(user.created_at))
        with self._cursor() as cur:
            cur.execute(self._sql(sql), (*row, user.created_by, int(user.active)))
            return bool(cur.rowcount == 1)

    def user(self, name: str) -> UserRecord | None:
        """The user called `name`, active or not."""
        found = self._users("WHERE name = ?", (name,))
        return found[0] if found else None

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        return self._users("", ())

    def deactivate(self, name: str) -> bool:
        """Revoke a user's key; False when there is no such active user."""
        with self._cursor() as cur:
            sql = "UPDATE api_users SET active = 0 WHERE name = ? AND active = 1"
            cur.execute(self._sql(sql), (name,))
            return bool(cur.rowcount == 1)

    def set_key(self, name: str, salt: str, key_hash: str) -> bool:
        """Replace an active user's key (its salt and hash); False when there is no such user."""
        with self._cursor() as cur:
            sql = "UPDATE api_users SET salt = ?, key_hash = ? WHERE name = ? AND active = 1"
            cur.execute(self._sql(sql), (salt, key_hash, name))
            return bool(cur.rowcount == 1)

    def has_admin(self) -> bool:
        """Whether any active admin exists (start-up creates one otherwise)."""
        return any(u.role == "admin" and u.active for u in self.users())

    def acknowledge(self, run_id: str, ack: AckPublic) -> AckPublic:
        """Record `ack` unless the alert is acknowledged already; the stored one either way."""
        sql = (
            "INSERT INTO api_acks (run_id, alert_id, by_user, at_us, comment) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, alert_id) DO NOTHING"
        )
        with self._cursor() as cur:
            params = (run_id, ack.alert_id, ack.by, micros(ack.at), ack.comment)
            cur.execute(self._sql(sql), params)
        return self.acks(run_id, [ack.alert_id])[ack.alert_id]

    def acks(self, run_id: str, alert_ids: Iterable[str]) -> dict[str, AckPublic]:
        """The acknowledgements of the given alerts, by alert id."""
        wanted = list(dict.fromkeys(alert_ids))
        found: dict[str, AckPublic] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            sql = (
                "SELECT alert_id, by_user, at_us, comment FROM api_acks "
                f"WHERE run_id = ? AND alert_id IN ({marks})"
            )
            with self._cursor() as cur:
                cur.execute(self._sql(sql), (run_id, *chunk))
                for alert_id, by, at_us, comment in cur.fetchall():
                    found[alert_id] = AckPublic(
                        alert_id=alert_id, by=by, at=_from_micros(at_us), comment=comment
                    )
        return found

    def record_refusals(self, refusals: Iterable[Refusal]) -> None:
        """Append refused requests in one transaction."""
        rows = [
            (r.refusal_id, micros(r.at), r.who, r.client, r.method, r.path, r.status, r.reason)
            for r in refusals
        ]
        if not rows:
            return
        sql = (
            "INSERT INTO api_refusals (refusal_id, at_us, who, client, method, path, status, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (refusal_id) DO NOTHING"
        )
        with self._cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def refusals(self, since: datetime, until: datetime, limit: int) -> list[Refusal]:
        """Refused requests in `[since, until)`, newest first, at most `limit`."""
        sql = (
            "SELECT refusal_id, at_us, who, client, method, path, status, reason "
            "FROM api_refusals WHERE at_us >= ? AND at_us < ? ORDER BY at_us DESC LIMIT ?"
        )
        with self._cursor() as cur:
            cur.execute(self._sql(sql), (micros(since), micros(until), limit))
            return [
                Refusal(
                    refusal_id=rid,
                    at=_from_micros(at_us),
                    who=who,
                    client=client,
                    method=method,
                    path=path,
                    status=status,
                    reason=reason,
                )
                for rid, at_us, who, client, method, path, status, reason in cur.fetchall()
            ]

    def _users(self, where: str, params: tuple[object, ...]) -> list[UserRecord]:
        sql = (
            "SELECT name, role, salt, key_hash, created_us, created_by, active "
            f"FROM api_users {where} ORDER BY name"
        )
        with self._cursor() as cur:
            cur.execute(self._sql(sql), params)
            return [
                UserRecord(
                    name=name,
                    role=_role(role),
                    salt=salt,
                    key_hash=key_hash,
                    created_at=_from_micros(created_us),
                    created_by=created_by,
                    active=bool(active),
                )
                for name, role, salt, key_hash, created_us, created_by, active in cur.fetchall()
            ]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._marker)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        conn = self._here()
        try:
            cur = conn.cursor()
            yield cur
            conn.commit()
        except _DRIVER_ERRORS as exc:
            self._local.conn = None
            with suppress(*_DRIVER_ERRORS):
                conn.close()
            raise StoreError(f"api ledger: {exc}") from exc

    def _here(self) -> Any:
        """The calling thread's connection, opened on its first call."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
            except _DRIVER_ERRORS as exc:
                raise StoreError(f"api ledger: cannot open: {type(exc).__name__}") from exc
            self._local.conn = conn
        return conn


def _role(value: str) -> Role:
    if value not in ROLES:
        raise StoreError(f"api ledger: unknown role {value!r}")
    return value


def _from_micros(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us))
