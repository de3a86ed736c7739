"""The API's ledger rides on the serving thread's store: one connection per thread, not per call."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.store import StoreError, sqlite
from api.stores import ThreadStores


def _in_a_thread(work: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def test_a_thread_reads_the_log_and_the_ledger_on_one_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection per call cost PostgreSQL a server process per request (alerts p50 12 ms)."""
    opened: list[Any] = []
    connect = sqlite.connect

    def counted(path: str, *, busy_timeout_s: float) -> Any:
        opened.append(connect(path, busy_timeout_s=busy_timeout_s))
        return opened[-1]

    monkeypatch.setattr(sqlite, "connect", counted)
    stores = ThreadStores(f"sqlite:///{tmp_path}/events.db")
    ledger, store = stores.ledger(), stores.proxy()

    def calls() -> None:
        for _ in range(5):
            assert ledger.acks("live", ["a-1"]) == {}
            assert store.runs() == []

    _in_a_thread(calls)
    assert len(opened) == 1
    _in_a_thread(calls)
    assert len(opened) == 2  # sqlite3 connections belong to their thread
    stores.close()


def test_a_private_in_memory_store_is_refused() -> None:
    # Each thread would open its own empty database, and the users made at start-up would vanish.
    with pytest.raises(StoreError, match="not sqlite://"):
        ThreadStores("sqlite://")
