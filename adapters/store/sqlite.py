"""Opening a SQLite database with settings chosen for durability.

- `journal_mode=WAL`: readers (the API) never block the writer and the
  writer never blocks readers; a crash leaves the database consistent.
- `synchronous=FULL`: the WAL is fsynced at every commit, so a committed
  transaction survives power loss. `NORMAL` would fsync only at checkpoints
  and can lose the last commits on power loss (never corrupt the file).
  Issue 4 acknowledges state-changing MQTT messages only after they are
  recorded, so a lost commit would be a lost acknowledged message; FULL
  costs one fsync per transaction, which batching (one transaction per
  research step or ingest batch) keeps small.
- `foreign_keys=ON`: SQLite ignores foreign keys unless asked; on, it
  enforces them as PostgreSQL does, so both backends behave the same.
- `busy_timeout`: a second process writing the same file (three research
  runs, or the API beside the loop) waits for the lock instead of failing
  at once with "database is locked".

The WAL mode is checked, not assumed: a file system that cannot do it
(some network mounts) is an error, not a silent fallback.
"""

from __future__ import annotations

import sqlite3

from adapters.store.errors import StoreError

MEMORY = ":memory:"


def connect(path: str, *, busy_timeout_s: float) -> sqlite3.Connection:
    """A connection to `path` (or `:memory:`) with the durability settings applied."""
    conn = sqlite3.connect(path, timeout=busy_timeout_s)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode != "wal" and not (path == MEMORY and mode == "memory"):
            raise StoreError(f"sqlite {path}: WAL journal mode unavailable (got {mode!r})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn
