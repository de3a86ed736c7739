"""One directory shared by two threads, one call at a time.

The live loop feeds readings to the agents on one worker thread and plans on
another, so that a replan of several seconds does not hold up ingest. Both
reach the agents through the same directory: the in-process host is plain
objects that must not be read for offers while a batch is being folded in,
and the directory's own bookkeeping is not thread-safe either. A lock per
call costs nothing next to a host call and keeps the planner's wait short:
it is held for one call, never across a solve.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from agents.base import Offer
from runtime.directory import Directory
from supplysync.commands import AssignmentResponse, Command
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading


class SerialDirectory:
    """A `Directory` whose calls, from whatever thread, run one at a time."""

    def __init__(self, inner: Directory) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        with self._lock:
            return self._inner.ingest(readings, now)

    def tick(self, now: datetime) -> list[Alert]:
        with self._lock:
            return self._inner.tick(now)

    def offers(self, window: PlanningWindow, now: datetime) -> list[Offer]:
        with self._lock:
            return self._inner.offers(window, now)

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        with self._lock:
            return self._inner.review(commands)

    def commit(self, commands: Sequence[Command]) -> None:
        with self._lock:
            self._inner.commit(commands)

    def states(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return self._inner.states()

    def dead_letters(self) -> list[DeadLetter]:
        with self._lock:
            return self._inner.dead_letters()

    def reset(self, network: Network) -> None:
        with self._lock:
            self._inner.reset(network)

    def close(self) -> None:
        with self._lock:
            self._inner.close()
