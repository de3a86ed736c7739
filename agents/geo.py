"""Distances on plain floats, cheap enough to run on every GNSS fix."""

from __future__ import annotations

import math

from supplysync.network import Network

EARTH_RADIUS_KM = 6371.0

Point = tuple[float, float]
"""(lat, lon) in decimal degrees."""


def km_between(a: Point, b: Point) -> float:
    """Great-circle distance (haversine), as `Location.km_to` computes it."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def km_from_segment(p: Point, a: Point, b: Point) -> float:
    """Distance from `p` to the straight segment `a`-`b`.

    Projects onto a local plane around `a` (equirectangular), exact enough at
    the tens of kilometres a delivery leg spans.
    """
    k = math.radians(1.0) * EARTH_RADIUS_KM
    cos_lat = math.cos(math.radians(a[0]))

    def xy(q: Point) -> tuple[float, float]:
        return (q[1] - a[1]) * k * cos_lat, (q[0] - a[0]) * k

    (px, py), (bx, by) = xy(p), xy(b)
    length2 = bx * bx + by * by
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / length2))
    return math.hypot(px - t * bx, py - t * by)


def site_point(network: Network, site_id: str) -> Point | None:
    """Where a site of the network is, or None for an id the network does not know."""
    try:
        location = network.location_of(site_id)
    except KeyError:
        return None
    return location.lat, location.lon
