"""Clocks. Logic takes one; nothing else reads the time.

Live mode runs on `WallClock`; research mode and the demo run on a
`VirtualClock` that advances as fast as the CPU allows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class WallClock:
    """Real time, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """Time that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("a clock cannot go back")
        self._now += delta
        return self._now

    def set(self, ts: datetime) -> None:
        if ts < self._now:
            raise ValueError("a clock cannot go back")
        self._now = ts
