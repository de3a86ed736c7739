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
another r*t with probability r/(1+r). By default r = 1, the median: the
hold is planned to last as long again. The estimate grows with every replan
while the hold lasts, so a long one still moves the plan to a second source,
and a fixed buffer, which a hold of days outlasts at every replan, is only
the floor. Planning on the late end (r = 9) bought from dearer sources for
holds that ended soon; the evaluation behind the default is in CHANGELOG.md
(session 24).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agents.geo import Point, km_between
from agents.memory import Memory
from agents.persist import IsoTime
from supplysync.costs import ROAD_FACTOR
from supplysync.plan import PurchaseOrder


class Shipment(Memory):
    """Tracking state of one accepted purchase order.

    Attributes:
        order: the purchase order.
        departs, promised: when it leaves and when it was promised, by the plan.
        destination: where it lands.
        seen: its tracker has reported.
        late: held long enough to be late (LATE_SHIPMENT went out).
        held_since: when the hold under way began; None while it moves.
        held_before_h: hours of the holds that ended.
        last_fix, last_pos, last_kmh: its tracker's latest fix.
    """

    order: PurchaseOrder
    departs: IsoTime
    promised: IsoTime
    destination: Point
    seen: bool = False
    late: bool = False
    held_since: IsoTime | None = None
    held_before_h: float = 0.0
    last_fix: IsoTime | None = None
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

    def fix(self, ts: datetime, pos: Point, kmh: float) -> Shipment:
        """This shipment after a fix away from its destination (the hold bookkeeping)."""
        held_since, held_before_h = self.held_since, self.held_before_h
        if kmh > 0:
            if held_since is not None:
                held_before_h += (ts - held_since).total_seconds() / 3600.0
                held_since = None
        elif held_since is None:
            held_since = ts
        return self.replace(
            last_pos=pos,
            last_kmh=kmh,
            held_since=held_since,
            held_before_h=held_before_h,
            last_fix=ts,
            seen=True,
        )

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
