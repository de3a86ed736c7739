"""Site placement: regions on a ring, points within their disc, the spread kept."""

from __future__ import annotations

import itertools
import random

import pytest

from adapters.simulator.families.geography import around, map_centre, offset, regions, toward
from supplysync.network import Location

ORIGIN = Location(lat=51.0, lon=9.0)


def test_offsets_are_kilometres() -> None:
    assert offset(ORIGIN, 30, 40).km_to(ORIGIN) == pytest.approx(50, rel=0.01)


def test_toward_goes_part_of_the_way() -> None:
    there = offset(ORIGIN, 100, 0)
    assert toward(ORIGIN, there, 0.25).km_to(ORIGIN) == pytest.approx(25, rel=0.01)


def test_around_stays_in_its_disc() -> None:
    rng = random.Random(1)
    assert all(around(rng, ORIGIN, 20).km_to(ORIGIN) <= 20.05 for _ in range(200))


@pytest.mark.parametrize(("count", "spread"), [(1, 50.0), (3, 300.0), (5, 900.0), (8, 1500.0)])
def test_regions_span_about_the_spread_with_unique_names(count: int, spread: float) -> None:
    rng = random.Random(count)
    areas = regions(rng, map_centre(rng), count, spread)
    assert len({a.name for a in areas}) == count
    points = [around(rng, a.centre, a.radius_km) for a in areas for _ in range(30)]
    widest = max(a.km_to(b) for a, b in itertools.combinations(points, 2))
    assert 0.5 * spread <= widest <= 1.02 * spread
