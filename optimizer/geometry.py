"""Road distances and the timing of a vehicle's trip through customer windows.

Both the delivery model (which warehouse may serve which customer) and the
routing (when a vehicle reaches each stop, where a split delivery fits) need
the same clock arithmetic, so it lives in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supplysync.costs import ROAD_FACTOR
from supplysync.network import Customer, Location


def road_km(a: Location, b: Location) -> float:
    """Road distance: great-circle distance times the road factor."""
    return a.km_to(b) * ROAD_FACTOR


@dataclass(frozen=True)
class Trip:
    """Times of one tour, in hours after the period start.

    Attributes:
        arrive: arrival hour at each stop, after waiting for its window to open.
        depart: departure hour from each stop, after service.
        back: hour the vehicle is back at its depot.
        km: road distance of the whole tour.
        on_time: every stop reached before its window closes.
    """

    arrive: tuple[float, ...]
    depart: tuple[float, ...]
    back: float
    km: float
    on_time: bool


def trip(
    depot: Location, stops: Sequence[Customer], *, departure_hour: float, speed_kmh: float
) -> Trip:
    """Drive `stops` in order from `depot` and back, waiting when early."""
    clock, km, here = departure_hour, 0.0, depot
    arrive: list[float] = []
    depart: list[float] = []
    on_time = True
    for c in stops:
        leg = road_km(here, c.location)
        km += leg
        clock = max(clock + leg / speed_kmh, c.window_open_h)
        on_time = on_time and clock <= c.window_close_h + 1e-9
        arrive.append(clock)
        clock += c.service_minutes / 60.0
        depart.append(clock)
        here = c.location
    leg = road_km(here, depot)
    return Trip(tuple(arrive), tuple(depart), clock + leg / speed_kmh, km + leg, on_time)


def fits_shift(t: Trip, *, departure_hour: float, shift_hours: float) -> bool:
    """Whether a tour keeps every window and returns within the driver's shift."""
    return t.on_time and t.back - departure_hour <= shift_hours + 1e-9


def cheapest_insertion(
    depot: Location,
    stops: Sequence[Customer],
    customer: Customer,
    *,
    departure_hour: float,
    speed_kmh: float,
    shift_hours: float,
) -> tuple[float, int] | None:
    """Added km and position of the cheapest place for `customer` in a tour.

    Only places that keep every window and the shift count; `None` when
    there is none.
    """
    now = trip(depot, stops, departure_hour=departure_hour, speed_kmh=speed_kmh).km
    best: tuple[float, int] | None = None
    for pos in range(len(stops) + 1):
        t = trip(
            depot,
            [*stops[:pos], customer, *stops[pos:]],
            departure_hour=departure_hour,
            speed_kmh=speed_kmh,
        )
        if fits_shift(t, departure_hour=departure_hour, shift_hours=shift_hours) and (
            best is None or t.km - now < best[0]
        ):
            best = (t.km - now, pos)
    return best
