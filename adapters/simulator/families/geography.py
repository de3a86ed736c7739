"""Where sites go: regions on a map of a given spread, and points around them.

A network's `spread_km` is about the largest distance between two of its
sites. Customers cluster in regions, as a distributor's customers cluster
in the cities it serves: with several regions their centres sit on a ring
of radius 0.35 spread and customers within 0.15 spread of their centre,
so two opposite customers are about one spread apart; a single region is a
disc of that diameter. Warehouses stand near their region's centre,
plants beside a warehouse (their dock), suppliers anywhere on the map.

Distances use a flat-earth offset in kilometres, exact enough over the
1,500 km at most a network spans; `Location.km_to` measures them back.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from supplysync.network import Location

KM_PER_DEG = 111.2
RING = 0.35
"""Radius of the ring of region centres, as a share of the spread."""
REGION = 0.15
"""Radius of a region around its centre, as a share of the spread."""
COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


@dataclass(frozen=True)
class Region:
    """A named cluster of customers and a radius in km around its centre."""

    name: str
    centre: Location
    radius_km: float


def offset(origin: Location, east_km: float, north_km: float) -> Location:
    """The point `east_km` east and `north_km` north of `origin`."""
    lat = origin.lat + north_km / KM_PER_DEG
    lon = origin.lon + east_km / (KM_PER_DEG * math.cos(math.radians(origin.lat)))
    return Location(lat=round(lat, 4), lon=round(lon, 4))


def around(rng: random.Random, centre: Location, radius_km: float) -> Location:
    """A point drawn evenly over the disc of `radius_km` around `centre`."""
    r = radius_km * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    return offset(centre, r * math.sin(angle), r * math.cos(angle))


def toward(a: Location, b: Location, f: float) -> Location:
    """The point a fraction `f` of the way from `a` to `b`."""
    return Location(
        lat=round(a.lat + (b.lat - a.lat) * f, 4), lon=round(a.lon + (b.lon - a.lon) * f, 4)
    )


def map_centre(rng: random.Random) -> Location:
    """Somewhere in central Europe, so every seed draws a different map."""
    return Location(lat=round(rng.uniform(48.5, 52.5), 4), lon=round(rng.uniform(6.0, 14.0), 4))


def regions(rng: random.Random, centre: Location, count: int, spread_km: float) -> list[Region]:
    """`count` regions evenly round a ring (one region: the whole disc), named by bearing."""
    if count == 1:
        return [Region("centre", centre, spread_km / 2)]
    start = rng.uniform(0, 2 * math.pi)
    out: list[Region] = []
    names: set[str] = set()
    for i in range(count):
        bearing = start + 2 * math.pi * i / count + rng.uniform(-0.3, 0.3) / count
        ring = RING * spread_km * rng.uniform(0.85, 1.0)
        name = _unique(COMPASS[round(math.degrees(bearing) / 45) % 8], names)
        here = offset(centre, ring * math.sin(bearing), ring * math.cos(bearing))
        out.append(Region(name, here, REGION * spread_km))
    return out


def nearest_region(point: Location, among: list[Region]) -> Region:
    """The region whose centre is closest to `point`."""
    return min(among, key=lambda r: r.centre.km_to(point))


def _unique(name: str, taken: set[str]) -> str:
    n, candidate = 2, name
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate
