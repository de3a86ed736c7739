"""Cargo-box temperature watch of one vehicle.

Two questions, asked of every cargo temperature reading:

- Is a cold-chain product on board out of its range for too long? That is a
  COLD_CHAIN_EXCURSION, raised once per excursion.
- Has a refrigerated vehicle's cooling unit failed? A box that stays above
  the cold-chain range with the door closed cannot be explained by a stop, so
  the vehicle reports `refrigeration_ok=False` (and one THRESHOLD alert)
  until the box has been back in range for a while.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker, reading_key
from agents.coldchain import Range, outside
from agents.persist import iso, when
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import TemperatureReading


class CargoWatch:
    """Excursion and refrigeration-fault tracking for one cargo box."""

    def __init__(
        self,
        make_alert: AlertMaker,
        settings: AgentSettings,
        refrigerated: bool,
        cold: Range | None,
    ) -> None:
        self._alert = make_alert
        self._excursion_limit = timedelta(minutes=settings.excursion_alert_minutes)
        self._fault_after = timedelta(minutes=settings.reefer_fault_minutes)
        self._recovery = timedelta(minutes=settings.reefer_recovery_minutes)
        self._cold = cold if refrigerated else None
        self.refrigeration_ok = True
        self._out_since: datetime | None = None
        self._peak = 0.0
        self._excursion_alerted = False
        self._above_since: datetime | None = None
        self._in_range_since: datetime | None = None

    def snapshot(self) -> dict[str, Any]:
        """The excursion and fault bookkeeping as JSON."""
        return {
            "refrigeration_ok": self.refrigeration_ok,
            "out_since": iso(self._out_since),
            "peak": self._peak,
            "excursion_alerted": self._excursion_alerted,
            "above_since": iso(self._above_since),
            "in_range_since": iso(self._in_range_since),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote."""
        self.refrigeration_ok = data["refrigeration_ok"]
        self._out_since, self._peak = when(data["out_since"]), float(data["peak"])
        self._excursion_alerted = data["excursion_alerted"]
        self._above_since = when(data["above_since"])
        self._in_range_since = when(data["in_range_since"])

    def update(
        self, r: TemperatureReading, carried: Range | None, door_open: bool, alerts: list[Alert]
    ) -> None:
        """Fold one cargo temperature, given what is on board and the door state."""
        self._excursion(r, carried, alerts)
        if self._cold is not None:
            self._refrigeration(r, self._cold, door_open, alerts)

    def _excursion(self, r: TemperatureReading, carried: Range | None, alerts: list[Alert]) -> None:
        c = r.celsius
        if carried is None or not outside(c, carried):
            self._out_since, self._excursion_alerted = None, False
            return
        if self._out_since is None:
            self._out_since, self._peak = r.ts, c
        elif abs(c - sum(carried) / 2) > abs(self._peak - sum(carried) / 2):
            self._peak = c
        out_for = r.ts - self._out_since
        if out_for > self._excursion_limit and not self._excursion_alerted:
            self._excursion_alerted = True
            minutes = out_for.total_seconds() / 60.0
            alerts.append(
                self._alert(
                    AlertKind.COLD_CHAIN_EXCURSION,
                    Severity.CRITICAL,
                    r.ts,
                    reading_key(r.device_id, r.seq),
                    f"{self._alert.asset_id} cargo at {c:.1f} °C, outside "
                    f"{carried[0]:g}..{carried[1]:g} °C for {minutes:.0f} min "
                    f"(peak {self._peak:.1f} °C)",
                    data={
                        "minutes_out_of_range": minutes,
                        "peak_c": self._peak,
                        "celsius": c,
                        "min_c": carried[0],
                        "max_c": carried[1],
                    },
                )
            )

    def _refrigeration(
        self, r: TemperatureReading, cold: Range, door_open: bool, alerts: list[Alert]
    ) -> None:
        c = r.celsius
        if not outside(c, cold):
            self._above_since = None
            if not self.refrigeration_ok:
                self._in_range_since = self._in_range_since or r.ts
                if r.ts - self._in_range_since >= self._recovery:
                    self.refrigeration_ok, self._in_range_since = True, None
            return
        self._in_range_since = None
        if door_open or c < cold[0]:
            self._above_since = None
            return
        self._above_since = self._above_since or r.ts
        above_for = r.ts - self._above_since
        if above_for >= self._fault_after and self.refrigeration_ok:
            self.refrigeration_ok = False
            minutes = above_for.total_seconds() / 60.0
            alerts.append(
                self._alert(
                    AlertKind.THRESHOLD,
                    Severity.CRITICAL,
                    r.ts,
                    reading_key(r.device_id, r.seq),
                    f"{self._alert.asset_id} refrigeration fault: box at {c:.1f} °C, above "
                    f"{cold[1]:g} °C with the door closed for {minutes:.0f} min",
                    data={"celsius": c, "max_c": cold[1], "minutes_above": minutes},
                )
            )
