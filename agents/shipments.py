"""One purchase order on its way, as its tracker reports it.

A tracker that shows speed 0 away from the destination means the shipment
is held. Held long enough, it is late; its arrival is then estimated as the
promised time plus the time held so far plus the hold still to come, and once
it moves again as the promised time plus the time held.

A shipment on the move lands when its last fix says: the road still to go
at the speed it reported (`live_eta`), to the hour the promise does not give.

The hold to come is the longer of a buffer and ``hold_ratio`` times the hold
so far. A hold's length has no natural scale (hours at a border, weeks at a
strike), and for such a duration a hold that has lasted t hours ends within
another r*t with probability r/(1+r): planning on r = 9 is planning on the
end that comes later in 9 holds of 10. A shortage costs far more than a
second source's premium, so the plan counts on the late end rather than on
a fixed buffer, which a hold of days outlasts at every replan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agents.geo import Point, km_between
from agents.persist import iso, point, when
from supplysync.costs import ROAD_FACTOR
from supplysync.plan import PurchaseOrder


@dataclass(slots=True)
class Shipment:
    """Tracking state of one accepted purchase order."""

    order: PurchaseOrder
    departs: datetime
    promised: datetime
    destination: Point
    seen: bool = False
    late: bool = False
    held_since: datetime | None = None
    held_before_h: float = 0.0
    last_fix: datetime | None = None
    last_pos: Point | None = None
    last_kmh: float = 0.0

    def shipped(self, now: datetime) -> bool:
        """Whether the goods have left (by plan time or because the tracker reports).

        An order due to leave at `now` has not: a command issued at that
        instant still replaces it, as the supplier's own schedule does.
        """
        return self.seen or self.departs < now

    def held_now_h(self) -> float:
        """Hours of the hold under way, up to the latest fix."""
        if self.held_since is None or self.last_fix is None:
            return 0.0
        return (self.last_fix - self.held_since).total_seconds() / 3600.0

    def held_h(self) -> float:
        """All hours held so far."""
        return self.held_before_h + self.held_now_h()

    def fix(self, ts: datetime, pos: Point, kmh: float) -> None:
        """Fold a fix away from the destination into the hold bookkeeping."""
        moving = kmh > 0
        self.last_pos, self.last_kmh = pos, kmh
        if moving:
            if self.held_since is not None:
                self.held_before_h += (ts - self.held_since).total_seconds() / 3600.0
                self.held_since = None
        elif self.held_since is None:
            self.held_since = ts
        self.last_fix = ts
        self.seen = True

    def eta(self, buffer_h: float, hold_ratio: float) -> datetime:
        """Estimated arrival: the promise, pushed back by holds once the shipment is late."""
        if not self.late:
            return self.promised
        held_now = self.held_now_h()
        to_come = max(buffer_h, hold_ratio * held_now) if self.held_since is not None else 0.0
        return self.promised + timedelta(hours=self.held_h() + to_come)

    def live_eta(self) -> datetime | None:
        """When it lands at the speed of its last fix; None held, late or not yet seen.

        Trucks run on roads, not great circles: the road still to go is
        `ROAD_FACTOR` times the straight line, as everywhere in the project.
        """
        if self.late or self.last_fix is None or self.last_pos is None or self.last_kmh <= 0:
            return None
        road_km = ROAD_FACTOR * km_between(self.last_pos, self.destination)
        return self.last_fix + timedelta(hours=road_km / self.last_kmh)

    def delay_h(self, buffer_h: float, hold_ratio: float) -> float:
        """Estimated delay against the promise, in hours."""
        return (self.eta(buffer_h, hold_ratio) - self.promised).total_seconds() / 3600.0

    def to_json(self) -> dict[str, Any]:
        """The tracking state, for an agent snapshot."""
        return {
            "order": self.order.model_dump(mode="json"),
            "departs": self.departs.isoformat(),
            "promised": self.promised.isoformat(),
            "destination": list(self.destination),
            "seen": self.seen,
            "late": self.late,
            "held_since": iso(self.held_since),
            "held_before_h": self.held_before_h,
            "last_fix": iso(self.last_fix),
            "last_pos": list(self.last_pos) if self.last_pos is not None else None,
            "last_kmh": self.last_kmh,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Shipment:
        """The shipment `to_json` wrote."""
        return cls(
            order=PurchaseOrder.model_validate(data["order"]),
            departs=datetime.fromisoformat(data["departs"]),
            promised=datetime.fromisoformat(data["promised"]),
            destination=point(data["destination"]),
            seen=data["seen"],
            late=data["late"],
            held_since=when(data["held_since"]),
            held_before_h=data["held_before_h"],
            last_fix=when(data["last_fix"]),
            last_pos=point(data["last_pos"]) if data.get("last_pos") is not None else None,
            last_kmh=float(data.get("last_kmh", 0.0)),
        )
