"""The operations center's ledger in SQL: users, alert acknowledgements, refusals.

Its tables (`api_users`, `api_acks`, `api_refusals`) are migration 5 of the
store's schema and are reached through the store's own connection and
transactions (`SqlEventStore.ledger`), so they share its driver settings,
its reconnection after a server restart and its errors (`StoreError`).
The log's rows are never updated; a user's are (revoked, key replaced).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from adapters.store.errors import StoreError
from adapters.store.schema import from_micros, micros
from supplysync.ledger import AlertAck, Refusal, UserRecord

R = TypeVar("R", bound=BaseModel)

Transaction = Callable[[], AbstractContextManager[Any]]
"""A cursor whose work commits when the block ends and rolls back if it fails."""

_IN_CHUNK: Final = 500
"""Alert ids per `IN (...)` list: under the 999 parameters an old SQLite binds."""

_ADD_USER: Final = (
    "INSERT INTO api_users (name, role, salt, key_hash, created_us, created_by, active) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
)
_USERS: Final = "SELECT name, role, salt, key_hash, created_us, created_by, active FROM api_users"
_DEACTIVATE: Final = "UPDATE api_users SET active = 0 WHERE name = ? AND active = 1"
_SET_KEY: Final = "UPDATE api_users SET salt = ?, key_hash = ? WHERE name = ? AND active = 1"
_ACKNOWLEDGE: Final = (
    "INSERT INTO api_acks (run_id, alert_id, by_user, at_us, comment) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, alert_id) DO NOTHING"
)
_RECORD_REFUSAL: Final = (
    "INSERT INTO api_refusals (refusal_id, at_us, who, client, method, path, status, reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (refusal_id) DO NOTHING"
)
_REFUSALS: Final = (
    "SELECT refusal_id, at_us, who, client, method, path, status, reason "
    "FROM api_refusals WHERE at_us >= ? AND at_us < ? ORDER BY at_us DESC LIMIT ?"
)


class SqlLedger:
    """The ledger over a store's transactions, whose parameter marker is `marker`."""

    def __init__(self, transaction: Transaction, marker: str) -> None:
        self._transaction = transaction
        self._marker = marker

    def add_user(self, user: UserRecord) -> bool:
        """Store a new user; False when the name is taken."""
        row = (user.name, user.role, user.salt, user.key_hash, micros(user.created_at))
        with self._transaction() as cur:
            cur.execute(self._sql(_ADD_USER), (*row, user.created_by, int(user.active)))
            return bool(cur.rowcount == 1)

    def user(self, name: str) -> UserRecord | None:
        """The user called `name`, active or not."""
        found = self._users(" WHERE name = ?", (name,))
        return found[0] if found else None

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        return self._users(" ORDER BY name", ())

    def deactivate(self, name: str) -> bool:
        """Revoke a user's key; False when there is no such active user."""
        with self._transaction() as cur:
            cur.execute(self._sql(_DEACTIVATE), (name,))
            return bool(cur.rowcount == 1)

    def set_key(self, name: str, salt: str, key_hash: str) -> bool:
        """Replace an active user's key (its salt and hash); False when there is no such user."""
        with self._transaction() as cur:
            cur.execute(self._sql(_SET_KEY), (salt, key_hash, name))
            return bool(cur.rowcount == 1)

    def acknowledge(self, run_id: str, ack: AlertAck) -> AlertAck:
        """Record `ack` unless the alert is acknowledged already; the stored one either way."""
        with self._transaction() as cur:
            params = (run_id, ack.alert_id, ack.by, micros(ack.at), ack.comment)
            cur.execute(self._sql(_ACKNOWLEDGE), params)
            return self._acks(cur, run_id, [ack.alert_id])[ack.alert_id]

    def acks(self, run_id: str, alert_ids: Iterable[str]) -> dict[str, AlertAck]:
        """The acknowledgements of the given alerts, by alert id."""
        with self._transaction() as cur:
            return self._acks(cur, run_id, list(dict.fromkeys(alert_ids)))

    def record_refusals(self, refusals: Iterable[Refusal]) -> None:
        """Append refused requests in one transaction."""
        rows = [
            (r.refusal_id, micros(r.at), r.who, r.client, r.method, r.path, r.status, r.reason)
            for r in refusals
        ]
        if rows:
            with self._transaction() as cur:
                cur.executemany(self._sql(_RECORD_REFUSAL), rows)

    def refusals(self, since: datetime, until: datetime, limit: int) -> list[Refusal]:
        """Refused requests in `[since, until)`, newest first, at most `limit`."""
        with self._transaction() as cur:
            cur.execute(self._sql(_REFUSALS), (micros(since), micros(until), limit))
            rows = cur.fetchall()
        return [
            _record(
                Refusal,
                {
                    "refusal_id": refusal_id,
                    "at": from_micros(at_us),
                    "who": who,
                    "client": client,
                    "method": method,
                    "path": path,
                    "status": status,
                    "reason": reason,
                },
            )
            for refusal_id, at_us, who, client, method, path, status, reason in rows
        ]

    def _acks(self, cur: Any, run_id: str, wanted: list[str]) -> dict[str, AlertAck]:
        found: dict[str, AlertAck] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            sql = (
                "SELECT alert_id, by_user, at_us, comment FROM api_acks "
                f"WHERE run_id = ? AND alert_id IN ({', '.join('?' * len(chunk))})"
            )
            cur.execute(self._sql(sql), (run_id, *chunk))
            for alert_id, by, at_us, comment in cur.fetchall():
                found[alert_id] = AlertAck(
                    alert_id=alert_id, by=by, at=from_micros(at_us), comment=comment
                )
        return found

    def _users(self, rest: str, params: tuple[object, ...]) -> list[UserRecord]:
        with self._transaction() as cur:
            cur.execute(self._sql(_USERS + rest), params)
            rows = cur.fetchall()
        return [
            _record(
                UserRecord,
                {
                    "name": name,
                    "role": role,
                    "salt": salt,
                    "key_hash": key_hash,
                    "created_at": from_micros(created_us),
                    "created_by": created_by,
                    "active": bool(active),
                },
            )
            for name, role, salt, key_hash, created_us, created_by, active in rows
        ]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._marker)


def _record(model: type[R], fields: dict[str, Any]) -> R:
    """`model` of a stored row; one that no longer validates (a role renamed) is a `StoreError`."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise StoreError(f"ledger: a stored {model.__name__} does not load: {exc}") from exc
