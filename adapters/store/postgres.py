"""Opening a PostgreSQL connection (psycopg 3).

PostgreSQL is durable by default (`fsync` and `synchronous_commit` on); the
store only asks for a bounded connect time so an unreachable server fails
fast, and names itself to the server for `pg_stat_activity`.
"""

from __future__ import annotations

from typing import Final

import psycopg

PARAMETER_LIMIT: Final = 65_535
"""Parameters one statement may bind (the wire protocol counts them in 16 bits)."""


def connect(url: str, *, connect_timeout_s: int) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the database at `url`, not in autocommit: we commit per batch."""
    return psycopg.connect(
        url, connect_timeout=connect_timeout_s, application_name="supplysync", autocommit=False
    )
