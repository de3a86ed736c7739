"""The alarms a vehicle raises about its driving, route, door and fuel.

Each latches per episode (per stop for ETA, per leg for deviation, per
opening for the door) so a condition that persists is reported once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker, reading_key
from agents.geo import km_between, km_from_segment
from agents.routes import RouteProgress
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Vehicle
from supplysync.readings import DoorReading, FuelReading, HarshDrivingReading, LocationReading


class VehicleAlerts:
    """Latches for ETA slip, route deviation, door, fuel and harsh-driving alerts."""

    def __init__(self, make_alert: AlertMaker, settings: AgentSettings, spec: Vehicle) -> None:
        self._alert = make_alert
        self._s = settings
        self._spec = spec
        self._door_opened: DoorReading | None = None
        self._door_alerted = False
        self._fuel_low = False

    def snapshot(self) -> dict[str, Any]:
        """The door episode and the fuel latch as JSON."""
        opened = self._door_opened
        return {
            "door_opened": None if opened is None else opened.model_dump(mode="json"),
            "door_alerted": self._door_alerted,
            "fuel_low": self._fuel_low,
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote."""
        opened = data["door_opened"]
        self._door_opened = None if opened is None else DoorReading.model_validate(opened)
        self._door_alerted, self._fuel_low = data["door_alerted"], data["fuel_low"]

    def eta(self, route: RouteProgress, r: LocationReading, alerts: list[Alert]) -> None:
        """ETA_SLIP once per stop when the next stop cannot be reached in time."""
        index = route.next_stop
        if index >= len(route.stops) or index in route.eta_alerted:
            return
        km = km_between((r.lat, r.lon), route.stops[index])
        eta = r.ts + timedelta(hours=km / self._spec.speed_kmh)
        planned = route.planned_arrival(index)
        late = (eta - planned).total_seconds() / 60.0
        if late <= self._s.eta_slip_minutes:
            return
        route.eta_alerted.add(index)
        site = route.route.stops[index].site_id
        alerts.append(
            self._alert(
                AlertKind.ETA_SLIP,
                Severity.WARNING,
                r.ts,
                f"{site}:{reading_key(r.device_id, r.seq)}",
                f"{self._spec.id} will reach {site} about {late:.0f} min late "
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
        )

    def deviation(self, route: RouteProgress, r: LocationReading, alerts: list[Alert]) -> None:
        """ROUTE_DEVIATION once per leg when far from the straight line between stops."""
        leg = route.next_stop
        if leg in route.deviation_alerted:
            return
        before, after = route.leg()
        off = km_from_segment((r.lat, r.lon), before, after)
        if off <= self._s.route_deviation_km:
            return
        route.deviation_alerted.add(leg)
        alerts.append(
            self._alert(
                AlertKind.ROUTE_DEVIATION,
                Severity.WARNING,
                r.ts,
                reading_key(r.device_id, r.seq),
                f"{self._spec.id} is {off:.1f} km off its route on leg {leg} "
                f"(limit {self._s.route_deviation_km:g} km)",
                data={"km_off_route": off, "leg": leg, "lat": r.lat, "lon": r.lon},
            )
        )

    def harsh(self, r: HarshDrivingReading) -> Alert:
        """Every harsh-driving event is worth a record."""
        return self._alert(
            AlertKind.HARSH_DRIVING,
            Severity.INFO,
            r.ts,
            reading_key(r.device_id, r.seq),
            f"{self._spec.id} harsh {r.event} at {r.g:.2f} g",
            data={"event": r.event, "g": r.g},
        )

    def door(self, r: DoorReading) -> None:
        """Remember when the door opened; closing it ends the episode."""
        if r.open:
            if self._door_opened is None:
                self._door_opened, self._door_alerted = r, False
        else:
            self._door_opened = None

    def door_check(self, now: datetime, alerts: list[Alert]) -> None:
        """DOOR_OPEN once when the door has stayed open past the limit."""
        opened = self._door_opened
        if opened is None or self._door_alerted:
            return
        limit = timedelta(minutes=self._s.door_open_minutes)
        if now - opened.ts <= limit:
            return
        self._door_alerted = True
        minutes = (now - opened.ts).total_seconds() / 60.0
        alerts.append(
            self._alert(
                AlertKind.DOOR_OPEN,
                Severity.WARNING,
                opened.ts + limit,
                reading_key(opened.device_id, opened.seq),
                f"{self._spec.id} cargo door open for {minutes:.0f} min",
                data={"minutes_open": minutes, "opened_at": opened.ts.isoformat()},
            )
        )

    def fuel(self, r: FuelReading, alerts: list[Alert]) -> None:
        """THRESHOLD once when fuel runs low; re-armed after refuelling."""
        if r.percent < self._s.fuel_low_percent and not self._fuel_low:
            self._fuel_low = True
            alerts.append(
                self._alert(
                    AlertKind.THRESHOLD,
                    Severity.WARNING,
                    r.ts,
                    reading_key(r.device_id, r.seq),
                    f"{self._spec.id} fuel at {r.percent:.0f} % "
                    f"(limit {self._s.fuel_low_percent:g} %)",
                    data={"percent": r.percent, "limit_percent": self._s.fuel_low_percent},
                )
            )
        elif r.percent >= self._s.fuel_clear_percent:
            self._fuel_low = False
