"""The alarms a warehouse raises, each once per episode.

Every alarm latches when its condition starts and re-arms only when the
condition is clearly over (a hysteresis band for space and humidity), so a
value hovering at a limit does not flood the event store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.alerts import AlertMaker, reading_key
from agents.coldchain import Range, outside
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Warehouse
from supplysync.readings import HumidityReading, TemperatureReading


class WarehouseAlerts:
    """Latches for the reorder, space, cold-room and humidity alarms of one warehouse."""

    def __init__(
        self,
        make_alert: AlertMaker,
        settings: AgentSettings,
        spec: Warehouse,
        allowed: Range | None,
    ) -> None:
        self._alert = make_alert
        self._s = settings
        self._spec = spec
        self._allowed = allowed
        self.below: set[str] = set()
        self.near_full = False
        self.room_ok = True
        self.humid = False

    def snapshot(self) -> dict[str, Any]:
        """The latches as JSON."""
        return {
            "below": sorted(self.below),
            "near_full": self.near_full,
            "room_ok": self.room_ok,
            "humid": self.humid,
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote."""
        self.below = set(data["below"])
        self.near_full, self.room_ok, self.humid = data["near_full"], data["room_ok"], data["humid"]

    def reorder(
        self, product_id: str, position: float, ts: datetime, key: str, alerts: list[Alert]
    ) -> None:
        """BELOW_REORDER_POINT once while stock plus inbound stays below the point."""
        point = self._spec.reorder_point.get(product_id)
        if point is None:
            return
        if position >= point:
            self.below.discard(product_id)
        elif product_id not in self.below:
            self.below.add(product_id)
            alerts.append(
                self._alert(
                    AlertKind.BELOW_REORDER_POINT,
                    Severity.WARNING,
                    ts,
                    f"{product_id}:{key}",
                    f"{self._spec.id} {product_id}: {position:.0f} units on hand and inbound, "
                    f"reorder point {point:.0f}",
                    data={"product_id": product_id, "position": position, "reorder_point": point},
                )
            )

    def space(self, total: float, ts: datetime, key: str, alerts: list[Alert]) -> None:
        """NEAR_CAPACITY at the near fraction; re-armed below the clear fraction."""
        capacity = self._spec.capacity_units
        fill = total / capacity
        if fill >= self._s.near_capacity_fraction and not self.near_full:
            self.near_full = True
            alerts.append(
                self._alert(
                    AlertKind.NEAR_CAPACITY,
                    Severity.WARNING,
                    ts,
                    key,
                    f"{self._spec.id} is {fill:.0%} full ({total:.0f} of {capacity:.0f} units)",
                    data={"units": total, "capacity_units": capacity, "fill": fill},
                )
            )
        elif fill < self._s.near_capacity_clear_fraction:
            self.near_full = False

    def room(self, r: TemperatureReading, alerts: list[Alert]) -> None:
        """THRESHOLD once when the cold room leaves the cold-chain range."""
        allowed = self._allowed
        if allowed is None:
            return
        if not outside(r.celsius, allowed):
            self.room_ok = True
        elif self.room_ok:
            self.room_ok = False
            alerts.append(
                self._alert(
                    AlertKind.THRESHOLD,
                    Severity.CRITICAL,
                    r.ts,
                    reading_key(r.device_id, r.seq),
                    f"{self._spec.id} cold room at {r.celsius:.1f} °C, outside "
                    f"{allowed[0]:g}..{allowed[1]:g} °C",
                    data={"celsius": r.celsius, "min_c": allowed[0], "max_c": allowed[1]},
                )
            )

    def humidity(self, r: HumidityReading, alerts: list[Alert]) -> None:
        """THRESHOLD once above the humidity limit; re-armed below the clear level."""
        limit = self._s.humidity_max_percent
        if r.percent_rh > limit and not self.humid:
            self.humid = True
            alerts.append(
                self._alert(
                    AlertKind.THRESHOLD,
                    Severity.WARNING,
                    r.ts,
                    reading_key(r.device_id, r.seq),
                    f"{self._spec.id} humidity {r.percent_rh:.0f} %RH above {limit:g} %RH",
                    data={"percent_rh": r.percent_rh, "limit_percent": limit},
                )
            )
        elif r.percent_rh < self._s.humidity_clear_percent:
            self.humid = False
