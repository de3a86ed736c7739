"""Progress of a vehicle along one accepted route, from GNSS fixes alone.

A route starts when the vehicle leaves its depot, a stop is reached when the
vehicle is within reach of it at low speed, and the route is done when the
vehicle is back at the depot after its last stop (or after the last stop's
planned time, so a stop missed between two fixes cannot keep a vehicle on
its route for ever). A vehicle seen at a later stop has passed the earlier
ones: fixes come every few minutes and a short stop can fall between them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agents.geo import Point, km_between
from agents.memory import Memory
from agents.persist import IsoTime
from supplysync.plan import Route


class RouteProgress(Memory):
    """Where a vehicle is on one route.

    Attributes:
        route: the accepted route.
        start, end: its period.
        depot: where it starts and ends.
        stops: where its stops are, in the route's order.
        next_stop: the index of the first stop not reached yet.
        started: the vehicle has left the depot on it.
        done: the vehicle is back at the depot after it.
        eta_alerted: the stops ETA_SLIP went out for, ascending.
        deviation_alerted: the legs ROUTE_DEVIATION went out for, ascending.
    """

    route: Route
    start: IsoTime
    end: IsoTime
    depot: Point
    stops: tuple[Point, ...]
    next_stop: int = 0
    started: bool = False
    done: bool = False
    eta_alerted: tuple[int, ...] = ()
    deviation_alerted: tuple[int, ...] = ()

    def planned_arrival(self, index: int) -> datetime:
        """When the plan has the vehicle at stop `index`."""
        return self.start + timedelta(hours=self.route.stops[index].arrive_h)

    def leg(self) -> tuple[Point, Point]:
        """The straight segment the vehicle should be on now."""
        before = self.depot if self.next_stop == 0 else self.stops[self.next_stop - 1]
        after = self.stops[self.next_stop] if self.next_stop < len(self.stops) else self.depot
        return before, after

    def remaining_load(self) -> dict[str, float]:
        """The route's load minus what reached stops have been given."""
        load = dict(self.route.load)
        for stop in self.route.stops[: self.next_stop]:
            for product_id, units in stop.drop.items():
                load[product_id] = max(0.0, load.get(product_id, 0.0) - units)
        return {p: units for p, units in load.items() if units > 0}

    def remaining_stops(self) -> list[str]:
        """Site ids of the stops not reached yet."""
        return [stop.site_id for stop in self.route.stops[self.next_stop :]]

    def advance(
        self, pos: Point, speed_kmh: float, ts: datetime, reach_km: float, slow_kmh: float
    ) -> RouteProgress:
        """The progress after one fix."""
        progress = self
        if not self.started:
            if km_between(pos, self.depot) <= reach_km:
                return self
            progress = self.replace(started=True)
        if speed_kmh > slow_kmh:
            return progress
        for index in range(self.next_stop, len(self.stops)):
            if km_between(pos, self.stops[index]) <= reach_km:
                return progress.replace(next_stop=index + 1)
        if km_between(pos, self.depot) <= reach_km:
            last_due = self.planned_arrival(len(self.stops) - 1) if self.stops else self.start
            done = self.next_stop == len(self.stops) or ts > last_due
            return progress.replace(done=done)
        return progress
