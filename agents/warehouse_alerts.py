"""The alarms a warehouse raises, each once per episode.

Every alarm latches when its condition starts and re-arms only when the
condition is clearly over (a hysteresis band for space and humidity), so a
value hovering at a limit does not flood the event store. The latches are
part of the warehouse's memory (`WarehouseLatches`); `WarehouseAlarms` holds
the fixed limits and, for a reading, gives the latches back with the alert
to raise, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agents.alerts import AlertMaker, reading_key
from agents.coldchain import Range, outside
from agents.memory import Memory
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Warehouse
from supplysync.readings import HumidityReading, TemperatureReading


class WarehouseLatches(Memory):
    """Which alarms are latched: the part of a warehouse's memory the alarms keep.

    Attributes:
        below: the products alerted below their reorder point, ascending.
        near_full: NEAR_CAPACITY went out and space has not cleared since.
        room_ok: the cold room is within the cold-chain range.
        humid: the humidity alarm went out and the air has not dried since.
    """

    below: tuple[str, ...] = ()
    near_full: bool = False
    room_ok: bool = True
    humid: bool = False


@dataclass(frozen=True, slots=True)
class WarehouseAlarms:
    """The alarms of one warehouse: each takes the latches and gives them back changed.

    Attributes:
        make_alert: stamps this warehouse's alerts.
        settings: the limits and their clear levels.
        spec: the warehouse (its capacity and reorder points).
        allowed: the cold room's range, None for a warehouse without one.
    """

    make_alert: AlertMaker
    settings: AgentSettings
    spec: Warehouse
    allowed: Range | None

    def reorder(
        self, latches: WarehouseLatches, product_id: str, position: float, ts: datetime, key: str
    ) -> tuple[WarehouseLatches, Alert | None]:
        """BELOW_REORDER_POINT once while stock plus inbound stays below the point."""
        point = self.spec.reorder_point.get(product_id)
        if point is None:
            return latches, None
        below = latches.below
        if position >= point:
            if product_id in below:
                below = tuple(p for p in below if p != product_id)
                return latches.replace(below=below), None
            return latches, None
        if product_id in below:
            return latches, None
        below = tuple(sorted((*below, product_id)))
        return latches.replace(below=below), self.make_alert(
            AlertKind.BELOW_REORDER_POINT,
            Severity.WARNING,
            ts,
            f"{product_id}:{key}",
            f"{self.spec.id} {product_id}: {position:.0f} units on hand and inbound, "
            f"reorder point {point:.0f}",
            data={"product_id": product_id, "position": position, "reorder_point": point},
        )

    def space(
        self, latches: WarehouseLatches, total: float, ts: datetime, key: str
    ) -> tuple[WarehouseLatches, Alert | None]:
        """NEAR_CAPACITY at the near fraction; re-armed below the clear fraction."""
        capacity = self.spec.capacity_units
        fill = total / capacity
        if fill >= self.settings.near_capacity_fraction and not latches.near_full:
            return latches.replace(near_full=True), self.make_alert(
                AlertKind.NEAR_CAPACITY,
                Severity.WARNING,
                ts,
                key,
                f"{self.spec.id} is {fill:.0%} full ({total:.0f} of {capacity:.0f} units)",
                data={"units": total, "capacity_units": capacity, "fill": fill},
            )
        if fill < self.settings.near_capacity_clear_fraction and latches.near_full:
            return latches.replace(near_full=False), None
        return latches, None

    def room(
        self, latches: WarehouseLatches, r: TemperatureReading
    ) -> tuple[WarehouseLatches, Alert | None]:
        """THRESHOLD once when the cold room leaves the cold-chain range."""
        allowed = self.allowed
        if allowed is None:
            return latches, None
        if not outside(r.celsius, allowed):
            ok = latches if latches.room_ok else latches.replace(room_ok=True)
            return ok, None
        if not latches.room_ok:
            return latches, None
        return latches.replace(room_ok=False), self.make_alert(
            AlertKind.THRESHOLD,
            Severity.CRITICAL,
            r.ts,
            reading_key(r.device_id, r.seq),
            f"{self.spec.id} cold room at {r.celsius:.1f} °C, outside "
            f"{allowed[0]:g}..{allowed[1]:g} °C",
            data={"celsius": r.celsius, "min_c": allowed[0], "max_c": allowed[1]},
        )

    def humidity(
        self, latches: WarehouseLatches, r: HumidityReading
    ) -> tuple[WarehouseLatches, Alert | None]:
        """THRESHOLD once above the humidity limit; re-armed below the clear level."""
        limit = self.settings.humidity_max_percent
        if r.percent_rh > limit and not latches.humid:
            return latches.replace(humid=True), self.make_alert(
                AlertKind.THRESHOLD,
                Severity.WARNING,
                r.ts,
                reading_key(r.device_id, r.seq),
                f"{self.spec.id} humidity {r.percent_rh:.0f} %RH above {limit:g} %RH",
                data={"percent_rh": r.percent_rh, "limit_percent": limit},
            )
        if r.percent_rh < self.settings.humidity_clear_percent and latches.humid:
            return latches.replace(humid=False), None
        return latches, None
