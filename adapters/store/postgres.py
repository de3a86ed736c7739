"""Opening a PostgreSQL connection (psycopg 3).

PostgreSQL is durable by default (`fsync` and `synchronous_commit` on); the
store only asks for a bounded connect time so an unreachable server fails
fast, and names itself to the server for `pg_stat_activity`.
"""

from __future__ import annotations

from typing import Final

import psycopg
from psycopg import pq

MIGRATION_LOCK: Final = "SELECT pg_advisory_xact_lock(4157091642)"
"""Serialises openers for the migrating transaction (`migrations.py`) and
is released at its end; `CREATE TABLE IF NOT EXISTS` alone is not atomic
against a concurrent one (a unique violation on `pg_type`). The number is
arbitrary, the store's own."""

PARAMETER_LIMIT: Final = 65_535
"""Parameters one statement may bind (the wire protocol counts them in 16 bits)."""

ROWS_PER_INSERT: Final = 64
"""Rows per multi-row insert (`inserts.py`), pipelined by `executemany`.
Appending batches of 8,192 readings (local server, two runs each) measured
18,600-22,300 readings/s at one row per statement, 41,000 at 16,
43,000-56,000 at 64, 41,000-46,000 at 256; and without pipelining, a
statement of 4,096 rows managed only 13,000: the server's cost per row
grows with the statement."""


def lost(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    """Whether `conn` cannot carry another transaction and must be replaced.

    psycopg marks a connection broken at the first failed call once the socket
    is gone; but a server that goes away while a pipelined insert is in flight
    can leave libpq in pipeline mode, busy, with the socket not yet seen closed
    ("cannot exit pipeline mode while busy"). We never leave a pipeline open
    between transactions, so one still open is such a leftover.
    """
    return conn.broken or conn.closed or conn.pgconn.pipeline_status != pq.PipelineStatus.OFF


def connect(url: str, *, connect_timeout_s: int) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the database at `url`, not in autocommit: we commit per batch."""
    return psycopg.connect(
        url, connect_timeout=connect_timeout_s, application_name="supplysync", autocommit=False
    )
