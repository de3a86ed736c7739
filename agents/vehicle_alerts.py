"""The alarms a vehicle raises about its driving, route, door and fuel.

Each latches per episode (per stop for ETA, per leg for deviation, per
opening for the door) so a condition that persists is reported once. The
latches are memory (`VehicleLatches`, and `RouteProgress` per route);
`VehicleAlarms` holds the fixed limits and gives them back changed, with the
alert to raise, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agents.alerts import AlertMaker, reading_key
from agents.geo import km_between, km_from_segment
from agents.memory import Memory
from agents.routes import RouteProgress
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Vehicle
from supplysync.readings import DoorReading, FuelReading, HarshDrivingReading, LocationReading


class VehicleLatches(Memory):
    """The door episode and the fuel latch: the part of a vehicle's memory the alarms keep.

    (The ETA and deviation latches are per route, in `RouteProgress`.)

    Attributes:
        door_opened: the reading that opened the door, while it stays open.
        door_alerted: DOOR_OPEN went out for this opening.
        fuel_low: the low-fuel alarm went out and the tank was not refilled since.
    """

    door_opened: DoorReading | None = None
    door_alerted: bool = False
    fuel_low: bool = False


@dataclass(frozen=True, slots=True)
class VehicleAlarms:
    """The alarms of one vehicle: each takes its latches and gives them back changed.

    Attributes:
        make_alert: stamps this vehicle's alerts.
        settings: the limits.
        spec: the vehicle (its speed for ETAs, its id for messages).
    """

    make_alert: AlertMaker
    settings: AgentSettings
    spec: Vehicle

    def eta(self, route: RouteProgress, r: LocationReading) -> tuple[RouteProgress, Alert | None]:
        """ETA_SLIP once per stop when the next stop cannot be reached in time."""
        index = route.next_stop
        if index >= len(route.stops) or index in route.eta_alerted:
            return route, None
        km = km_between((r.lat, r.lon), route.stops[index])
        eta = r.ts + timedelta(hours=km / self.spec.speed_kmh)
        planned = route.planned_arrival(index)
        late = (eta - planned).total_seconds() / 60.0
        if late <= self.settings.eta_slip_minutes:
            return route, None
        site = route.route.stops[index].site_id
        alerted = tuple(sorted((*route.eta_alerted, index)))
        return route.replace(eta_alerted=alerted), self.make_alert(
            AlertKind.ETA_SLIP,
            Severity.WARNING,
            r.ts,
            f"{site}:{reading_key(r.device_id, r.seq)}",
            f"{self.spec.id} will reach {site} about {late:.0f} min late "
            f"(ETA {eta:%H:%M}, planned {planned:%H:%M})",
            data={
                "site_id": site,
                "stop_index": index,
                "minutes_late": late,
                "eta": eta.isoformat(),
                "planned_arrival": planned.isoformat(),
                "km_to_go": km,
            },
        )

    def deviation(
        self, route: RouteProgress, r: LocationReading
    ) -> tuple[RouteProgress, Alert | None]:
        """ROUTE_DEVIATION once per leg when far from the straight line between stops."""
        leg = route.next_stop
        if leg in route.deviation_alerted:
            return route, None
        before, after = route.leg()
        off = km_from_segment((r.lat, r.lon), before, after)
        limit = self.settings.route_deviation_km
        if off <= limit:
            return route, None
        alerted = tuple(sorted((*route.deviation_alerted, leg)))
        return route.replace(deviation_alerted=alerted), self.make_alert(
            AlertKind.ROUTE_DEVIATION,
            Severity.WARNING,
            r.ts,
            reading_key(r.device_id, r.seq),
            f"{self.spec.id} is {off:.1f} km off its route on leg {leg} (limit {limit:g} km)",
            data={"km_off_route": off, "leg": leg, "lat": r.lat, "lon": r.lon},
        )

    def harsh(self, r: HarshDrivingReading) -> Alert:
        """Every harsh-driving event is worth a record."""
        return self.make_alert(
            AlertKind.HARSH_DRIVING,
            Severity.INFO,
            r.ts,
            reading_key(r.device_id, r.seq),
            f"{self.spec.id} harsh {r.event} at {r.g:.2f} g",
            data={"event": r.event, "g": r.g},
        )

    def door(self, latches: VehicleLatches, r: DoorReading) -> VehicleLatches:
        """Remember when the door opened; closing it ends the episode."""
        if r.open:
            if latches.door_opened is None:
                return latches.replace(door_opened=r, door_alerted=False)
            return latches
        return latches.replace(door_opened=None)

    def door_check(
        self, latches: VehicleLatches, now: datetime
    ) -> tuple[VehicleLatches, Alert | None]:
        """DOOR_OPEN once when the door has stayed open past the limit."""
        opened = latches.door_opened
        if opened is None or latches.door_alerted:
            return latches, None
        limit = timedelta(minutes=self.settings.door_open_minutes)
        if now - opened.ts <= limit:
            return latches, None
        minutes = (now - opened.ts).total_seconds() / 60.0
        return latches.replace(door_alerted=True), self.make_alert(
            AlertKind.DOOR_OPEN,
            Severity.WARNING,
            opened.ts + limit,
            reading_key(opened.device_id, opened.seq),
            f"{self.spec.id} cargo door open for {minutes:.0f} min",
            data={"minutes_open": minutes, "opened_at": opened.ts.isoformat()},
        )

    def fuel(self, latches: VehicleLatches, r: FuelReading) -> tuple[VehicleLatches, Alert | None]:
        """THRESHOLD once when fuel runs low; re-armed after refuelling."""
        s = self.settings
        if r.percent < s.fuel_low_percent and not latches.fuel_low:
            return latches.replace(fuel_low=True), self.make_alert(
                AlertKind.THRESHOLD,
                Severity.WARNING,
                r.ts,
                reading_key(r.device_id, r.seq),
                f"{self.spec.id} fuel at {r.percent:.0f} % (limit {s.fuel_low_percent:g} %)",
                data={"percent": r.percent, "limit_percent": s.fuel_low_percent},
            )
        if r.percent >= s.fuel_clear_percent and latches.fuel_low:
            return latches.replace(fuel_low=False), None
        return latches, None
