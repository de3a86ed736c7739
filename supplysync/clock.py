"""Clocks. Logic takes one; nothing else reads the time.

Research mode and the demo run on a `VirtualClock` that advances as fast as
the CPU allows. Live mode runs on the network's clock (`NetworkClock`): the
time the devices stamp their readings with. Real devices stamp the wall
clock, so without more said the network's clock is the wall. A simulated
fleet (`supplysync devices --speed 60`) runs its world faster than the wall
and says so: it announces its `Pace` (this simulated instant was that wall
instant, and it runs `speed` times the wall), and everything that judges
time in live mode (API windows and the stream, KPIs, the replan debounce,
silence, command time-outs) follows the pace, so an accelerated demo and a
real network behave alike. Security stays on the wall: token and ticket
expiry, user records and the refusal audit are about people, not the
network.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Protocol

from pydantic import AwareDatetime, Field

from supplysync.network import Frozen

MAX_SPEED = 1_000_000.0
"""The fastest pace a fleet may run at (a 10-day scenario in under a second)."""


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


class Pace(Frozen):
    """The network's time against the wall: `at` was wall instant `wall`, then `speed` x the wall.

    Attributes:
        at: a network instant.
        wall: the wall-clock instant it was.
        speed: network seconds per wall second from then on.
    """

    at: AwareDatetime
    wall: AwareDatetime
    speed: Annotated[float, Field(gt=0, le=MAX_SPEED)]

    def time_at(self, wall: datetime) -> datetime:
        """The network instant at wall instant `wall` (the end of time past it)."""
        try:
            return self.at + (wall - self.wall) * self.speed
        except OverflowError:
            return datetime.max.replace(tzinfo=UTC) if wall > self.wall else self.at


class NetworkClock:
    """The network's time: the last `Pace` heard, or the wall's while none has been.

    It never goes back: a pace announcing an earlier time than one already
    read (a fleet restarted behind an earlier one) holds the clock until
    the new pace catches up. `supplysync devices` avoids that by starting
    its world where the announced clock stands when that is ahead of the
    wall.

    Args:
        wall: the wall clock paces are laid on (a test's fixed one, say).
        pace: the pace to start from; None follows the wall.
    """

    def __init__(self, wall: Clock | None = None, pace: Pace | None = None) -> None:
        self._wall = wall or WallClock()
        self._pace = pace
        self._last: datetime | None = None

    @property
    def pace(self) -> Pace | None:
        """The pace followed now; None while the network runs on the wall clock."""
        return self._pace

    def follow(self, pace: Pace | None) -> None:
        """Follow `pace` from now on (None: the wall clock again)."""
        self._pace = pace

    def now(self) -> datetime:
        wall = self._wall.now()
        now = wall if self._pace is None else self._pace.time_at(wall)
        if self._last is not None and now < self._last:
            return self._last
        self._last = now
        return now
