"""The tables, and how each record kind maps onto them.

One `events` table holds every kind of record: `(run_id, kind, record_key)`
is the primary key and the idempotency key, `ts_us` (microseconds since the
epoch, UTC) orders it, `asset_id` and `plan_id` are the columns the API
filters on, and `body` is the record's pydantic JSON. One table rather than
one per kind because the log is replayed as one ordered stream (issue 4:
agents rebuild from snapshot plus replay), a new record kind needs no
migration, and there is exactly one insert statement to get right on both
databases. The typed columns are only those queries need; the body is the
record itself, so a read is a pydantic round trip of what was written.

`plan_causes` links a plan to the alert ids that caused it, in order, so the
trace from a plan to its alerts is one indexed join instead of a search
through JSON that SQLite and PostgreSQL spell differently.

`snapshots` holds agent snapshots (supplysync.snapshots), keyed by asset and
generation. They live beside the log, not in it: a snapshot is derived from
the log and may be pruned or rebuilt, a replay of `events` should never meet
one, and the `kind` CHECK of an existing `events` table cannot be widened in
place on SQLite, while a new table reaches existing stores through the same
`CREATE TABLE IF NOT EXISTS` as a new one.

Column types (TEXT, BIGINT, INTEGER) and the DDL are the same on both
databases. Timestamps are integers so that ranges compare the same way on
both, exactly, whatever offset a record's timestamp carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, get_args

from supplysync.commands import Command, CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.readings import Reading

Record = (
    Reading
    | Alert
    | Plan
    | Command
    | CommandAck
    | CustomerOrder
    | ProofOfDelivery
    | DeadLetter
    | OperatorRequest
    | NetworkSnapshot
)

READING_TYPES: Final = get_args(get_args(Reading)[0])
_RECORD_TYPES: Final = (
    Alert,
    Plan,
    Command,
    CommandAck,
    CustomerOrder,
    ProofOfDelivery,
    DeadLetter,
    OperatorRequest,
    NetworkSnapshot,
    *READING_TYPES,
)
KINDS: Final = (
    "reading",
    "alert",
    "plan",
    "command",
    "ack",
    "order",
    "delivery",
    "dead_letter",
    "request",
    "network",
)

DDL: Final = (
    f"""CREATE TABLE IF NOT EXISTS events (
        run_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ({", ".join(f"'{k}'" for k in KINDS)})),
        record_key TEXT NOT NULL,
        ts_us BIGINT NOT NULL,
        asset_id TEXT,
        plan_id TEXT,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, kind, record_key)
    )""",
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (run_id, kind, ts_us)",
    "CREATE INDEX IF NOT EXISTS events_by_asset ON events (run_id, kind, asset_id, ts_us)",
    """CREATE TABLE IF NOT EXISTS plan_causes (
        run_id TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (run_id, plan_id, alert_id)
    )""",
    """CREATE TABLE IF NOT EXISTS snapshots (
        run_id TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        generation BIGINT NOT NULL,
        taken_us BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, asset_id, generation)
    )""",
)

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Row:
    """One `events` row before the run id is attached."""

    kind: str
    key: str
    ts_us: int
    asset_id: str | None
    plan_id: str | None
    body: str


def micros(ts: datetime) -> int:
    """Microseconds since the epoch; naive datetimes are refused (whose time would it be?)."""
    if ts.tzinfo is None:
        raise ValueError(f"expected a timezone-aware datetime, got {ts!r}")
    return (ts - _EPOCH) // timedelta(microseconds=1)


def _key(*parts: str) -> str:
    """A composite key; `\\x1f` (unit separator) cannot occur in our ids or ISO times."""
    return "\x1f".join(parts)


def to_row(record: Record) -> Row:
    """The row for `record`, keyed by its natural idempotency key."""
    if not isinstance(record, _RECORD_TYPES):
        raise TypeError(f"not a storable record: {type(record).__name__}")
    body = record.model_dump_json()
    if isinstance(record, Alert):
        return Row("alert", record.alert_id, micros(record.ts), record.asset_id, None, body)
    if isinstance(record, Plan):
        return Row("plan", record.plan_id, micros(record.created_at), None, record.plan_id, body)
    if isinstance(record, Command):
        ts = micros(record.issued_at)
        return Row("command", record.command_id, ts, record.asset_id, record.plan_id, body)
    if isinstance(record, CommandAck):
        key = _key(record.command_id, record.status)
        return Row("ack", key, micros(record.ts), record.asset_id, None, body)
    if isinstance(record, DeadLetter):
        return Row("dead_letter", record.letter_id, micros(record.at), record.asset_id, None, body)
    if isinstance(record, OperatorRequest):
        return Row("request", record.request_id, micros(record.at), None, None, body)
    if isinstance(record, NetworkSnapshot):
        key = record.taken_at.isoformat()
        return Row("network", key, micros(record.taken_at), None, None, body)
    if isinstance(record, CustomerOrder):
        ts = micros(record.created_at)
        return Row("order", record.order_id, ts, record.customer_id, None, body)
    if isinstance(record, ProofOfDelivery):
        key = _key(record.order_id, record.vehicle_id, record.ts.isoformat())
        return Row("delivery", key, micros(record.ts), record.vehicle_id, None, body)
    key = _key(record.device_id, str(record.seq))
    return Row("reading", key, micros(record.ts), record.asset_id, None, body)


def cause_rows(plans: Iterable[Plan]) -> list[tuple[str, str, int]]:
    """`(plan_id, alert_id, position)` for each distinct cause of each plan."""
    return [
        (plan.plan_id, alert_id, position)
        for plan in plans
        for position, alert_id in enumerate(dict.fromkeys(plan.causes))
    ]
