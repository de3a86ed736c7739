"""Which warehouse can serve which customer: the planner's reach rule, restated.

A warehouse may serve a customer only if one of its vehicles, leaving at
the planning departure hour, can drive there, arrive before the customer's
window closes (waiting if early), unload and be back within the driver's
shift; a cold-chain product also needs a refrigerated vehicle and, when it
has `max_hours_out_of_storage`, must be unloaded within that many hours of
leaving (waiting for the window counts). This is `optimizer.fleet.reach`
and the cold limit of `optimizer.route_model` for an out-and-back trip; it
is restated here because the simulator may not import the optimizer, and
the family tests check both agree on every generated network.
"""

from __future__ import annotations

from dataclasses import dataclass

from supplysync.costs import ROAD_FACTOR
from supplysync.network import Location

EPS = 1e-9


@dataclass(frozen=True)
class Stop:
    """A customer as a vehicle sees it: where, when it receives, how long unloading takes."""

    location: Location
    window_open_h: float
    window_close_h: float
    service_minutes: float


@dataclass(frozen=True)
class Drive:
    """How the fleet drives: the same speed and shift for every vehicle of a network."""

    departure_hour: float
    speed_kmh: float
    shift_hours: float

    def arrival(self, depot: Location, stop: Stop) -> float:
        """Hour a vehicle leaving `depot` at departure reaches `stop` (after any wait)."""
        km = depot.km_to(stop.location) * ROAD_FACTOR
        return max(self.departure_hour + km / self.speed_kmh, stop.window_open_h)

    def reaches(self, depot: Location, stop: Stop) -> bool:
        """Out and back within the window and the shift."""
        arrive = self.arrival(depot, stop)
        km = depot.km_to(stop.location) * ROAD_FACTOR
        back = arrive + stop.service_minutes / 60.0 + km / self.speed_kmh
        return (
            arrive <= stop.window_close_h + EPS
            and back - self.departure_hour <= self.shift_hours + EPS
        )

    def reaches_cold(self, depot: Location, stop: Stop, hours_out: float | None) -> bool:
        """`reaches`, and unloaded within `hours_out` of leaving when there is a limit."""
        if not self.reaches(depot, stop):
            return False
        return hours_out is None or self.arrival(depot, stop) - self.departure_hour <= (
            hours_out + EPS
        )
