"""The append-only event store: SQLite by default, PostgreSQL by URL.

    with open_store("sqlite:///var/lib/supplysync/events.db") as store:
        store.append([*readings, *alerts], run_id="milp")
        store.causes_of("milp-0003", run_id="milp")

Exceptions: `StoreError` for anything the database or its driver refused
(raised `from` the driver's error), `StoreUnavailableError` when that was
because the server could not be reached or dropped the connection (the
store reconnects at its next call); `ValueError` for out-of-range settings
and naive datetimes; `TypeError` for an object that is not a record.
"""

from __future__ import annotations

from adapters.store.errors import StoreError, StoreUnavailableError
from adapters.store.protocol import LIVE_RUN, EventStore, Ledger
from adapters.store.schema import Record
from adapters.store.sql import SqlEventStore

__all__ = [
    "LIVE_RUN",
    "EventStore",
    "Ledger",
    "Record",
    "SqlEventStore",
    "StoreError",
    "StoreUnavailableError",
    "open_store",
]


def open_store(url: str, *, busy_timeout_s: float = 5.0, connect_timeout_s: int = 5) -> EventStore:
    """The store at `url`, to be entered with `with` (see `SqlEventStore` for URL forms)."""
    return SqlEventStore(
        url=url, busy_timeout_s=busy_timeout_s, connect_timeout_s=connect_timeout_s
    )
