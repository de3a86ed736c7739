"""The API's ledger: one connection per serving thread, not one per call."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.store import StoreError
from api.ledger import Ledger


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


def test_a_thread_reuses_its_connection_and_a_broken_one_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection per call cost PostgreSQL a server process per request (alerts p50 12 ms)."""
    ledger = Ledger(f"sqlite:///{tmp_path}/events.db")
    opened: list[Any] = []
    connect = ledger._connect

    def counted() -> Any:
        opened.append(connect())
        return opened[-1]

    monkeypatch.setattr(ledger, "_connect", counted)

    def five_calls() -> None:
        for _ in range(5):
            assert ledger.acks("live", ["a-1"]) == {}

    _in_a_thread(five_calls)
    assert len(opened) == 1
    _in_a_thread(five_calls)
    assert len(opened) == 2  # sqlite3 connections belong to their thread

    def across_a_restart() -> None:
        assert ledger.acks("live", ["a-1"]) == {}
        opened[-1].close()  # as a database restart would leave it
        with pytest.raises(StoreError, match="api ledger"):
            ledger.acks("live", ["a-1"])
        assert ledger.acks("live", ["a-1"]) == {}

    _in_a_thread(across_a_restart)
    assert len(opened) == 4
