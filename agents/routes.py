"""Progress of a vehicle along one accepted route, from GNSS fixes alone.

A route starts when the vehicle leaves its depot, a stop is reached when the
vehicle is within reach of it at low speed, and the route is done when the
vehicle is back at the depot after its last stop (or after the last stop's
planned time, so a stop missed between two fixes cannot keep a vehicle on
its route for ever). A vehicle seen at a later stop has passed the earlier
ones: fixes come every few minutes and a short stop can fall between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from agents.geo import Point, km_between
from agents.persist import point
from supplysync.plan import Route


@dataclass(slots=True)
class RouteProgress:
    """Where a vehicle is on one route."""

    route: Route
    start: datetime
    end: datetime
    depot: Point
    stops: list[Point]
    next_stop: int = 0
    started: bool = False
    done: bool = False
    eta_alerted: set[int] = field(default_factory=set)
    deviation_alerted: set[int] = field(default_factory=set)

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
    ) -> None:
        """Fold one fix into the progress."""
        if not self.started:
            self.started = km_between(pos, self.depot) > reach_km
            if not self.started:
                return
        if speed_kmh > slow_kmh:
            return
        for index in range(self.next_stop, len(self.stops)):
            if km_between(pos, self.stops[index]) <= reach_km:
                self.next_stop = index + 1
                return
        if km_between(pos, self.depot) <= reach_km:
            last_due = self.planned_arrival(len(self.stops) - 1) if self.stops else self.start
            self.done = self.next_stop == len(self.stops) or ts > last_due

    def to_json(self) -> dict[str, Any]:
        """The route and the progress along it, for an agent snapshot."""
        return {
            "route": self.route.model_dump(mode="json"),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "depot": list(self.depot),
            "stops": [list(stop) for stop in self.stops],
            "next_stop": self.next_stop,
            "started": self.started,
            "done": self.done,
            "eta_alerted": sorted(self.eta_alerted),
            "deviation_alerted": sorted(self.deviation_alerted),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RouteProgress:
        """The progress `to_json` wrote."""
        return cls(
            route=Route.model_validate(data["route"]),
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            depot=point(data["depot"]),
            stops=[point(stop) for stop in data["stops"]],
            next_stop=int(data["next_stop"]),
            started=data["started"],
            done=data["done"],
            eta_alerted=set(data["eta_alerted"]),
            deviation_alerted=set(data["deviation_alerted"]),
        )
