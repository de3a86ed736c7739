"""Opening a SQLite database with settings chosen for durability.

- `journal_mode=WAL`: readers (the API) never block the writer and the
  writer never blocks readers; a crash leaves the database consistent.
- `synchronous=FULL`: the WAL is fsynced at every commit, so a committed
  transaction survives power loss. `NORMAL` would fsync only at checkpoints
  and can lose the last commits on power loss (never corrupt the file).
  The live ingest acknowledges MQTT messages only after they are
  recorded, so a lost commit would be a lost acknowledged message; FULL
  costs one fsync per transaction, which batching (one transaction per
  research step or ingest batch) keeps small.
- `foreign_keys=ON`: SQLite ignores foreign keys unless asked; on, it
  enforces them as PostgreSQL does, so both backends behave the same.
- `busy_timeout`: a second process writing the same file (three research
  runs, or the API beside the loop) waits for the lock instead of failing
  at once with "database is locked".

Left at SQLite's defaults on purpose: `page_size` (4096), `cache_size`
and `wal_autocheckpoint` (1000 pages). None changes durability (every
commit still fsyncs the WAL), and none was worth it: writing 409,600
readings in commits of 4,096 cost 4.8-6.8 µs a row across pages of 4, 8
and 16 KiB, caches of 2 and 64 MiB, mmap, and checkpoints ten times
rarer, and two runs of one setting differed as much as settings did
(bigger pages were, if anything, slower: more bytes per WAL frame).

The WAL mode is checked, not assumed: a file system that cannot do it
(some network mounts) is an error, not a silent fallback.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Final

from adapters.store.errors import StoreError

MEMORY = ":memory:"

MIGRATION_LOCK: Final = "BEGIN IMMEDIATE"
"""Opens the migrating transaction holding the write lock (`migrations.py`):
a deferred one would take it only at its first write, after reading the
schema version, so two openers could both decide to migrate."""


def connect(path: str, *, busy_timeout_s: float) -> sqlite3.Connection:
    """A connection to `path` (or `:memory:`) with the durability settings applied."""
    conn = sqlite3.connect(path, timeout=busy_timeout_s)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        mode = _wal(conn, busy_timeout_s)
        if mode != "wal" and not (path == MEMORY and mode == "memory"):
            raise StoreError(f"sqlite {path}: WAL journal mode unavailable (got {mode!r})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _wal(conn: sqlite3.Connection, busy_timeout_s: float) -> str:
    """Switch to WAL, retrying while another connection holds the lock.

    Turning a fresh file to WAL takes an exclusive lock, and SQLite answers
    "database is locked" at once instead of calling its busy handler when
    several processes open the same new file together (seen when two agent
    hosts start on one store).
    """
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return str(mode)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


ROWS_PER_INSERT: Final = 4096
"""Rows per multi-row insert (`inserts.py`). Each statement is one step, and
each step gives up the GIL once and must win it back from the busy event
loop thread, so fewer are better; in the ingest benchmark 4,096 (a group
commit of 8,192 readings in two statements) was never slower than 512, the
difference within the noise of the machine. It fits SQLite's default
limit of 32,766 parameters; an older SQLite gets what fits (`parameter_limit`)."""


def parameter_limit(conn: sqlite3.Connection) -> int:
    """Parameters one statement may bind: 32,766 by default since SQLite 3.32, 999 before."""
    return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
