"""JSON spellings of the values agent snapshots hold.

Snapshots (supplysync.snapshots) must restore an agent exactly, so times
keep their offset (ISO 8601 round-trips it) and points come back as the
tuples the geometry code builds, not the lists JSON gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agents.geo import Point


def iso(ts: datetime | None) -> str | None:
    """A time as ISO 8601, or None."""
    return None if ts is None else ts.isoformat()


def when(text: str | None) -> datetime | None:
    """The time `iso` wrote, or None."""
    return None if text is None else datetime.fromisoformat(text)


def point(pair: Sequence[float]) -> Point:
    """A `(lat, lon)` tuple from the list JSON keeps it as."""
    lat, lon = pair
    return float(lat), float(lon)
