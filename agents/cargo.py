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

from dataclasses import dataclass
from datetime import timedelta

from agents.alerts import AlertMaker, reading_key
from agents.coldchain import Range, outside
from agents.memory import Memory
from agents.persist import IsoTime
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import TemperatureReading


class CargoMemory(Memory):
    """The excursion and fault bookkeeping of one cargo box.

    Attributes:
        refrigeration_ok: the cooling unit holds the cold-chain range.
        out_since: when the current excursion of the goods on board began.
        peak: the excursion's temperature furthest from the middle of the range.
        excursion_alerted: COLD_CHAIN_EXCURSION went out for this excursion.
        above_since: since when the box stays above the range, door closed.
        in_range_since: since when a faulty unit's box is back in range.
    """

    refrigeration_ok: bool = True
    out_since: IsoTime | None = None
    peak: float = 0.0
    excursion_alerted: bool = False
    above_since: IsoTime | None = None
    in_range_since: IsoTime | None = None


@dataclass(frozen=True, slots=True)
class CargoWatch:
    """The limits one cargo box is watched by; each reading gives a new `CargoMemory`.

    Attributes:
        make_alert: stamps the vehicle's alerts.
        excursion_limit: how long goods may be out of range before the alert.
        fault_after: how long the closed box may stay warm before a fault.
        recovery: how long a faulty unit must hold the range to count as fixed.
        cold: the range a refrigerated box must hold; None for a dry box.
    """

    make_alert: AlertMaker
    excursion_limit: timedelta
    fault_after: timedelta
    recovery: timedelta
    cold: Range | None

    @classmethod
    def of(
        cls, make_alert: AlertMaker, s: AgentSettings, refrigerated: bool, cold: Range | None
    ) -> CargoWatch:
        """The watch of a box, refrigerated or not, for products with range `cold`."""
        return cls(
            make_alert,
            timedelta(minutes=s.excursion_alert_minutes),
            timedelta(minutes=s.reefer_fault_minutes),
            timedelta(minutes=s.reefer_recovery_minutes),
            cold if refrigerated else None,
        )

    def update(
        self, m: CargoMemory, r: TemperatureReading, carried: Range | None, door_open: bool
    ) -> tuple[CargoMemory, list[Alert]]:
        """Fold one cargo temperature, given what is on board and the door state."""
        alerts: list[Alert] = []
        m = self._excursion(m, r, carried, alerts)
        if self.cold is not None:
            m = self._refrigeration(m, r, self.cold, door_open, alerts)
        return m, alerts

    def _excursion(
        self, m: CargoMemory, r: TemperatureReading, carried: Range | None, alerts: list[Alert]
    ) -> CargoMemory:
        c = r.celsius
        if carried is None or not outside(c, carried):
            if m.out_since is None and not m.excursion_alerted:
                return m
            return m.replace(out_since=None, excursion_alerted=False)
        out_since, peak = m.out_since, m.peak
        if out_since is None:
            out_since, peak = r.ts, c
        elif abs(c - sum(carried) / 2) > abs(peak - sum(carried) / 2):
            peak = c
        m = m.replace(out_since=out_since, peak=peak)
        out_for = r.ts - out_since
        if out_for <= self.excursion_limit or m.excursion_alerted:
            return m
        minutes = out_for.total_seconds() / 60.0
        alerts.append(
            self.make_alert(
                AlertKind.COLD_CHAIN_EXCURSION,
                Severity.CRITICAL,
                r.ts,
                reading_key(r.device_id, r.seq),
                f"{self.make_alert.asset_id} cargo at {c:.1f} °C, outside "
                f"{carried[0]:g}..{carried[1]:g} °C for {minutes:.0f} min "
                f"(peak {peak:.1f} °C)",
                data={
                    "minutes_out_of_range": minutes,
                    "peak_c": peak,
                    "celsius": c,
                    "min_c": carried[0],
                    "max_c": carried[1],
                },
            )
        )
        return m.replace(excursion_alerted=True)

    def _refrigeration(
        self,
        m: CargoMemory,
        r: TemperatureReading,
        cold: Range,
        door_open: bool,
        alerts: list[Alert],
    ) -> CargoMemory:
        c = r.celsius
        if not outside(c, cold):
            if m.refrigeration_ok:
                return m if m.above_since is None else m.replace(above_since=None)
            since = m.in_range_since or r.ts
            if r.ts - since >= self.recovery:
                return m.replace(above_since=None, refrigeration_ok=True, in_range_since=None)
            return m.replace(above_since=None, in_range_since=since)
        if door_open or c < cold[0]:
            if m.in_range_since is None and m.above_since is None:
                return m
            return m.replace(in_range_since=None, above_since=None)
        above_since = m.above_since or r.ts
        m = m.replace(in_range_since=None, above_since=above_since)
        above_for = r.ts - above_since
        if above_for < self.fault_after or not m.refrigeration_ok:
            return m
        minutes = above_for.total_seconds() / 60.0
        alerts.append(
            self.make_alert(
                AlertKind.THRESHOLD,
                Severity.CRITICAL,
                r.ts,
                reading_key(r.device_id, r.seq),
                f"{self.make_alert.asset_id} refrigeration fault: box at {c:.1f} °C, above "
                f"{cold[1]:g} °C with the door closed for {minutes:.0f} min",
                data={"celsius": c, "max_c": cold[1], "minutes_above": minutes},
            )
        )
        return m.replace(refrigeration_ok=False)
