"""Straight-line motion on the map, and road distance."""

from __future__ import annotations

from supplysync.costs import ROAD_FACTOR
from supplysync.network import Location


def road_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Road distance between two (lat, lon) points."""
    return ROAD_FACTOR * Location(lat=a[0], lon=a[1]).km_to(Location(lat=b[0], lon=b[1]))


def between(a: tuple[float, float], b: tuple[float, float], f: float) -> tuple[float, float]:
    """The point a fraction `f` of the way from `a` to `b` (linear in degrees).

    Over the tens of kilometres a leg spans, a straight line in degrees is
    indistinguishable from the great circle.
    """
    f = min(1.0, max(0.0, f))
    return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f


def latlon(loc: Location) -> tuple[float, float]:
    return loc.lat, loc.lon
