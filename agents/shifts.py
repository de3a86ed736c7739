"""Daily shift arithmetic (local time is UTC).

A shift starts every day at `start_hour` and lasts `length_h` hours; it may
run past midnight. Machines and vehicles count capacity and predicted wear in
shift hours, so these helpers convert between wall time and shift time.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta


def _midnight(ts: datetime) -> datetime:
    ts = ts.astimezone(UTC)
    return datetime(ts.year, ts.month, ts.day, tzinfo=UTC)


def shift_overlap_hours(
    start: datetime, end: datetime, start_hour: float, length_h: float
) -> float:
    """Hours of daily shifts that fall within `[start, end)`."""
    if end <= start:
        return 0.0
    day = _midnight(start) - timedelta(days=1)
    total = 0.0
    while day < end:
        s = day + timedelta(hours=start_hour)
        e = s + timedelta(hours=length_h)
        lo, hi = max(s, start), min(e, end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 3600.0
        day += timedelta(days=1)
    return total


def shift_containing(ts: datetime, start_hour: float, length_h: float) -> datetime | None:
    """The start of the shift under way at `ts`, or None between shifts."""
    day = _midnight(ts)
    for s in (day + timedelta(hours=start_hour - 24), day + timedelta(hours=start_hour)):
        if s <= ts < s + timedelta(hours=length_h):
            return s
    return None


def after_shift_hours(ts: datetime, hours: float, start_hour: float, length_h: float) -> datetime:
    """When `hours` of shift time after `ts` will have passed.

    Used to turn a predicted number of running hours into a date, assuming
    the machine runs every shift in full (the earliest, safe estimate).
    """
    remaining = max(0.0, hours)
    day = _midnight(ts) - timedelta(days=1)
    while True:
        s = day + timedelta(hours=start_hour)
        e = s + timedelta(hours=length_h)
        usable_from = max(s, ts)
        if e > usable_from:
            usable = (e - usable_from).total_seconds() / 3600.0
            if remaining <= usable:
                return usable_from + timedelta(hours=remaining)
            remaining -= usable
            full_days = max(0, math.ceil(remaining / length_h) - 1)
            remaining -= full_days * length_h
            day += timedelta(days=full_days)
        day += timedelta(days=1)


def shift_left_today(now: datetime, start_hour: float, length_h: float) -> float:
    """Hours of today's shift still ahead at `now` (all of it before the shift starts)."""
    start = _midnight(now) + timedelta(hours=start_hour)
    end = start + timedelta(hours=length_h)
    return max(0.0, (end - max(now, start)).total_seconds() / 3600.0)
