"""The planning window: how wall or virtual time maps to plan periods.

Plans speak in period indexes relative to `start`, so the optimizer never
touches datetimes; agents and the simulator convert at the edges.

A live network's periods count from UTC midnight (`calendar_period`): a
machine's shift (`network.SHIFT_START_HOUR`), a customer's receiving
window, the departure hour and the daily orders are hours of a UTC day, in
the simulated fleet and on the page alike, so a plan's period must be such
a day, whenever the live loop happened to start.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, Field

from supplysync.network import Frozen

CALENDAR = datetime(1970, 1, 1, tzinfo=UTC)
"""The network's calendar: its days start at UTC midnight."""


class PlanningWindow(Frozen):
    """`periods` consecutive periods of `period_hours`, the first starting at `start`."""

    start: AwareDatetime
    period_hours: Annotated[float, Field(gt=0, le=168)] = 24.0
    periods: Annotated[int, Field(ge=1, le=60)] = 3

    def period_start(self, period: int) -> datetime:
        """When period `period` begins."""
        return self.start + timedelta(hours=self.period_hours * period)

    def period_of(self, ts: datetime) -> int:
        """The period index that contains `ts` (negative before the window)."""
        hours = (ts - self.start).total_seconds() / 3600.0
        return math.floor(hours / self.period_hours + 1e-9)

    @property
    def end(self) -> datetime:
        return self.period_start(self.periods)


def period_floor(ts: datetime, origin: datetime, period_hours: float) -> datetime:
    """The start of the period (counted from `origin`) that contains `ts`."""
    hours = (ts - origin).total_seconds() / 3600.0
    return origin + timedelta(hours=period_hours * math.floor(hours / period_hours + 1e-9))


def calendar_period(ts: datetime, period_hours: float) -> datetime:
    """The start of the period containing `ts` on the network's calendar (from UTC midnight)."""
    return period_floor(ts, CALENDAR, period_hours)
