"""The store's schema, as numbered migrations applied when a store is opened.

    cur.execute(dialect_lock)   # sqlite: BEGIN IMMEDIATE; postgresql: an advisory lock
    apply(cur, marker="?")

`schema_migrations` records each migration applied (version and name), so
a store knows its schema version and opening it applies only what it lacks,
in order, in the one transaction that opened it: all or nothing, on SQLite
and PostgreSQL alike (both run DDL inside transactions). The lock taken
first makes concurrent openers (agent hosts starting together) apply them
one at a time: the second finds the work done.

A store made before versions existed has the tables of version 1 and no
`schema_migrations`; it counts as version 0, version 1's `IF NOT EXISTS`
statements leave its tables alone, and the later ones upgrade it like any
other. A store newer than this code is refused rather than written in a
shape the code does not know.

Migrations are never edited once released: a change to the schema is a new
one at the end. The statements are the same text on both databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


class NewerSchemaError(Exception):
    """The store was migrated by newer code than this (the store names itself in `StoreError`)."""


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it does, and its statements."""

    version: int
    name: str
    statements: tuple[str, ...]


_V1_KINDS: Final = (
    "'reading', 'alert', 'plan', 'command', 'ack', 'order', 'delivery', "
    "'dead_letter', 'request', 'network', 'status'"
)

MIGRATIONS: Final = (
    Migration(
        1,
        "events, plan causes and snapshots",
        (
            f"""CREATE TABLE IF NOT EXISTS events (
                run_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ({_V1_KINDS})),
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
        ),
    ),
    # The kind CHECK made every store refuse kinds added after it was made,
    # and SQLite cannot alter a CHECK in place: the table is rebuilt without
    # it. Kinds are the code's business (`schema._MAKERS` writes only its own).
    Migration(
        2,
        "events accept every record kind",
        (
            """CREATE TABLE events_v2 (
                run_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                record_key TEXT NOT NULL,
                ts_us BIGINT NOT NULL,
                asset_id TEXT,
                plan_id TEXT,
                body TEXT NOT NULL,
                PRIMARY KEY (run_id, kind, record_key)
            )""",
            "INSERT INTO events_v2 (run_id, kind, record_key, ts_us, asset_id, plan_id, body) "
            "SELECT run_id, kind, record_key, ts_us, asset_id, plan_id, body FROM events",
            "DROP TABLE events",
            "ALTER TABLE events_v2 RENAME TO events",
            "CREATE INDEX events_by_time ON events (run_id, kind, ts_us)",
            "CREATE INDEX events_by_asset ON events (run_id, kind, asset_id, ts_us)",
        ),
    ),
    # Sampled readings many to a row (`batches.py`). The key leads with the
    # asset and the time of the row's last reading, which is what reads select on.
    Migration(
        3,
        "sampled readings in batches",
        (
            """CREATE TABLE reading_batches (
                run_id TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                last_us BIGINT NOT NULL,
                batch_key TEXT NOT NULL,
                first_us BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (run_id, asset_id, last_us, batch_key)
            )""",
        ),
    ),
    # Read models for the API (`read_models.py`); a store migrated here is
    # filled from its log by the store when it opens.
    Migration(
        4,
        "read models: latest readings and plan summaries",
        (
            """CREATE TABLE latest_readings (
                run_id TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                ts_us BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (run_id, asset_id, kind, subject)
            )""",
            """CREATE TABLE plan_summaries (
                run_id TEXT NOT NULL,
                plan_id TEXT NOT NULL,
                created_us BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (run_id, plan_id)
            )""",
            "CREATE INDEX plan_summaries_by_time ON plan_summaries (run_id, created_us)",
        ),
    ),
    # The operations center's ledger (`ledger.py`). The API created these
    # tables itself before they were a migration, so a store the API has
    # served already has them, with its users: `IF NOT EXISTS` keeps them.
    Migration(
        5,
        "the operations center's ledger: users, alert acknowledgements, refusals",
        (
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
        ),
    ),
)

LATEST: Final = MIGRATIONS[-1].version

_BOOKKEEPING: Final = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL
)"""


def apply(cur: Any, *, marker: str) -> list[int]:
    """Bring the store of cursor `cur` to `LATEST`; the versions applied now, in order.

    Runs inside the caller's transaction, after the caller took its
    database's lock (see the module docstring).

    Raises:
        NewerSchemaError: the store's schema is newer than this code knows.
    """
    cur.execute(_BOOKKEEPING)
    cur.execute("SELECT MAX(version) FROM schema_migrations")
    current = int(cur.fetchone()[0] or 0)
    if current > LATEST:
        raise NewerSchemaError(f"schema version {current} is newer than this code's {LATEST}")
    record = f"INSERT INTO schema_migrations (version, name) VALUES ({marker}, {marker})"
    applied = []
    for migration in MIGRATIONS[current:]:
        for statement in migration.statements:
            cur.execute(statement)
        cur.execute(record, (migration.version, migration.name))
        applied.append(migration.version)
    return applied
