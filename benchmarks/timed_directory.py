"""A `Directory` that times the calls a replan makes to the agents.

Wraps the real directory, so the coordinator under measurement runs its own
code path; only the seconds spent gathering offers and having the agents
review and commit commands are added up, per replan, for the breakdown of
`benchmarks.scale`.
"""

from __future__ import annotations

import time
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


class TimedDirectory:
    """`inner`, with `gather_s` (offers) and `agents_s` (review and commit) summed."""

    def __init__(self, inner: Directory) -> None:
        self.inner = inner
        self.gather_s = 0.0
        self.agents_s = 0.0

    def restart(self) -> None:
        """Start counting a new replan."""
        self.gather_s = self.agents_s = 0.0

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        return self.inner.ingest(readings, now)

    def tick(self, now: datetime) -> list[Alert]:
        return self.inner.tick(now)

    def offers(self, window: PlanningWindow, now: datetime) -> list[Offer]:
        started = time.perf_counter()
        try:
            return self.inner.offers(window, now)
        finally:
            self.gather_s += time.perf_counter() - started

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        started = time.perf_counter()
        try:
            return self.inner.review(commands)
        finally:
            self.agents_s += time.perf_counter() - started

    def commit(self, commands: Sequence[Command]) -> None:
        started = time.perf_counter()
        try:
            self.inner.commit(commands)
        finally:
            self.agents_s += time.perf_counter() - started

    def states(self) -> dict[str, dict[str, Any]]:
        return self.inner.states()

    def dead_letters(self) -> list[DeadLetter]:
        return self.inner.dead_letters()

    def reset(self, network: Network) -> None:
        self.inner.reset(network)

    def close(self) -> None:
        self.inner.close()
