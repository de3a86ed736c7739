"""`MachineAgent`: a production machine's health, downtime and capacity.

Vibration taken while the machine runs is paired with its hour meter to
follow wear (agents.health); the fitted trend predicts when the danger level
will be crossed, and the offer asks the planner for maintenance before then.
A stop is only a breakdown when the accepted schedule says the machine should
be working and it was already vibrating badly or predicted to fail: a machine
idle for lack of work is not down.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any

from agents.core import AgentCore
from agents.health import Zone, derated, estimate_health, vibration_zone
from agents.machine_alerts import bearing_alert, down_alert, restored_alert, zone_alert
from agents.machine_schedule import Schedule, hours_asked
from agents.machine_trend import TrendWatch
from agents.persist import iso, when
from agents.settings import AgentSettings
from agents.shifts import shift_overlap_hours
from supplysync.commands import AssignmentResponse, Command, ProduceOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import MachineOffer
from supplysync.planning import PlanningWindow
from supplysync.readings import (
    OutputReading,
    PressureReading,
    Reading,
    RuntimeReading,
    TemperatureReading,
    VibrationReading,
)


class MachineAgent(AgentCore):
    """Live state of one machine and its part of the production plan."""

    snapshot_format = 2

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "machine", network, settings)
        self.spec = network.machine(asset_id)
        s = self.settings
        self._trend = TrendWatch(s, self.spec.hours_per_day)
        self._recent: deque[float] = deque(maxlen=s.health_samples)
        self._health = self.spec.initial_health
        self._health_at: datetime | None = None
        self._running: bool | None = None
        self._hours: float | None = None
        self._vibration: float | None = None
        self._last_running_vib: float | None = None
        self._temperature: float | None = None
        self._pressure: float | None = None
        self._zone_alerted = Zone.GOOD
        self._temp_alerted = False
        self._stopped_since: datetime | None = None
        self._pre_stop_vib: float | None = None
        self._restarted = False
        self._service_pending = False
        self._down_since: datetime | None = None
        self._current_product: str | None = None
        self._made: dict[str, float] = {}
        self._schedule: Schedule | None = None

    # ------------------------------------------------------------------ readings
    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        if isinstance(reading, VibrationReading):
            self._on_vibration(reading, alerts)
        elif isinstance(reading, RuntimeReading):
            self._on_runtime(reading, alerts)
        elif isinstance(reading, TemperatureReading):
            self._on_temperature(reading, alerts)
        elif isinstance(reading, PressureReading):
            self._pressure = reading.kpa
        elif isinstance(reading, OutputReading) and reading.product_id in self.spec.rates:
            self._made[reading.product_id] = self._made.get(reading.product_id, 0.0) + reading.units
            if reading.units > 0:
                self._current_product = reading.product_id

    def _on_vibration(self, r: VibrationReading, alerts: list[Alert]) -> None:
        s, v = self.settings, r.mm_s_rms
        self._vibration = v
        if not self._running or self._hours is None or v < s.vibration_idle_mm_s:
            return
        if self._restarted:
            self._restarted = False
            serviced = self._service_pending or (
                self._pre_stop_vib is not None and self._pre_stop_vib >= s.vibration_warn_mm_s
            )
            self._service_pending = False
            if serviced and v < s.vibration_warn_mm_s:
                self._trend.reset()
                self._recent.clear()
                self._zone_alerted = Zone.GOOD
        self._last_running_vib = v
        self._recent.append(v)
        self._health = estimate_health(
            sum(self._recent) / len(self._recent), s.wear_baseline_mm_s, s.wear_gain_mm_s
        )
        self._health_at = r.ts
        self._trend.add(self._hours, v, r)
        zone = vibration_zone(v, s.vibration_warn_mm_s, s.vibration_danger_mm_s)
        if zone > self._zone_alerted:
            self._zone_alerted = zone
            alerts.append(zone_alert(self._alert, r, zone, s))
        elif v < s.vibration_warn_mm_s * s.vibration_clear_fraction:
            self._zone_alerted = Zone.GOOD
        predicted = self._trend.refresh(self._alert, self.asset_id)
        if predicted is not None:
            alerts.append(predicted)

    def _on_temperature(self, r: TemperatureReading, alerts: list[Alert]) -> None:
        s = self.settings
        self._temperature = r.celsius
        if r.celsius > s.bearing_temp_max_c and not self._temp_alerted:
            self._temp_alerted = True
            alerts.append(bearing_alert(self._alert, r, s.bearing_temp_max_c))
        elif r.celsius < s.bearing_temp_clear_c:
            self._temp_alerted = False

    def _on_runtime(self, r: RuntimeReading, alerts: list[Alert]) -> None:
        was_running = self._running
        self._hours, self._running = r.hours, r.running
        if r.running:
            if was_running is not True:
                self._restarted = True
                since = self._stopped_since
                if self._schedule and since and self._schedule.maintenance_began(since, r.ts):
                    self._service_pending = True
            if self._down_since is not None:
                alerts.append(restored_alert(self._alert, r, self._down_since))
                self._down_since = None
                self._service_pending = True
            return
        if was_running:
            self._stopped_since = r.ts
            self._pre_stop_vib = self._last_running_vib
            if self._schedule is not None and self._schedule.maintenance_at(r.ts):
                self._service_pending = True
        if self._down_since is None and self._should_run(r.ts) and self._at_risk():
            self._down_since = self._stopped_since or r.ts
            last = self._last_running_vib or 0.0
            alerts.append(down_alert(self._alert, r, self._down_since, self.spec, last))

    def _should_run(self, ts: datetime) -> bool:
        s = self.settings
        return self._schedule is not None and self._schedule.should_run(
            ts,
            shift_start_hour=s.shift_start_hour,
            hours_per_day=self.spec.hours_per_day,
            grace=timedelta(minutes=s.down_grace_minutes),
        )

    def _at_risk(self) -> bool:
        last = self._last_running_vib
        warn = self.settings.vibration_warn_mm_s
        return (last is not None and last >= warn) or self._trend.predicted_at is not None

    @property
    def health(self) -> float:
        """The health estimate (0..1) the offers carry."""
        return self._health

    @property
    def health_at(self) -> datetime | None:
        """When the estimate last took in a running vibration reading.

        None while the health is still the spec's initial health. A replay of
        stored readings dates its health series by it (`cluster.machine_health`).
        """
        return self._health_at

    # ------------------------------------------------------------------ capacity
    def _capacity(self, window: PlanningWindow, period: int, now: datetime) -> float:
        """Shift hours the machine can give in a period after `now`, downtime and derating."""
        start = max(window.period_start(period), now)
        if self._down_since is not None:
            start = max(start, self._down_since + timedelta(hours=self.spec.repair_hours))
        end = window.period_start(period + 1)
        hours = shift_overlap_hours(
            start, end, self.settings.shift_start_hour, self.spec.hours_per_day
        )
        return derated(
            hours, self._health, self.settings.derate_health, self.settings.derate_factor
        )

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> MachineOffer:
        """Capacity per period and, when a failure is predicted, when maintenance is due."""
        predicted = self._trend.predicted_at
        due = None
        if predicted is not None:
            margin = timedelta(hours=self.settings.failure_safety_margin_hours)
            due = max(0, window.period_of(predicted - margin))
        return MachineOffer(
            machine_id=self.asset_id,
            plant_id=self.spec.plant_id,
            health=self._health,
            down=self._down_since is not None,
            capacity_hours=[self._capacity(window, p, now) for p in range(window.periods)],
            rates=dict(self.spec.rates),
            setup_hours=self.spec.setup_hours,
            maintenance_hours=self.spec.maintenance_hours,
            repair_hours=self.spec.repair_hours,
            predicted_failure_at=predicted,
            maintenance_due_period=due,
            current_product=self._current_product,
        )

    def review(self, command: Command) -> AssignmentResponse:
        """Reject work in a period the machine is down for, or beyond its capacity."""
        body = command.body
        if not isinstance(body, ProduceOrder):
            return self._answer(command, [f"a machine takes produce orders, not {body.kind}"])
        load, reasons = hours_asked(body, self.spec)
        for period, hours in sorted(load.items()):
            reason = self._overload(command.window, period, hours, command.issued_at)
            if reason:
                reasons.append(reason)
        return self._answer(command, reasons)

    def _overload(self, window: PlanningWindow, period: int, hours: float, now: datetime) -> str:
        capacity = self._capacity(window, period, now)
        if hours <= capacity + self.settings.capacity_tolerance_hours:
            return ""
        if self._down_since is not None and capacity <= 0:
            back = self._down_since + timedelta(hours=self.spec.repair_hours)
            return (
                f"down since {self._down_since:%Y-%m-%d %H:%M} until about {back:%Y-%m-%d %H:%M}, "
                f"asked to run {hours:.1f} h in period {period}"
            )
        return (
            f"period {period} asks {hours:.1f} h of runs, setups and maintenance; "
            f"capacity {capacity:.1f} h"
        )

    def _answer(self, command: Command, reasons: list[str]) -> AssignmentResponse:
        return AssignmentResponse(
            asset_id=self.asset_id,
            plan_id=command.plan_id,
            accepted=not reasons,
            reason="; ".join(reasons),
        )

    def commit(self, command: Command) -> None:
        """Keep the accepted schedule: it tells a breakdown from an idle machine."""
        if isinstance(command.body, ProduceOrder):
            self._schedule = Schedule(self.asset_id, command.body, command.window)

    def state(self) -> dict[str, Any]:
        """Live readings, health, prediction and downtime, JSON-ready."""
        predicted = self._trend.predicted_at
        return {
            "asset_id": self.asset_id,
            "kind": self.kind,
            "running": self._running,
            "hour_meter": self._hours,
            "vibration_mm_s": self._vibration,
            "temperature_c": self._temperature,
            "pressure_kpa": self._pressure,
            "health": self._health,
            "zone": self._zone_alerted.name.lower(),
            "predicted_failure_at": predicted.isoformat() if predicted else None,
            "wear_per_hour": self._trend.trend.slope_per_hour if self._trend.trend else None,
            "down_since": self._down_since.isoformat() if self._down_since else None,
            "current_product": self._current_product,
            "made": dict(self._made),
            "has_schedule": self._schedule is not None,
            "devices": self._devices_state(),
        }

    # ------------------------------------------------------------------ snapshots
    _PLAIN = (
        "_health",
        "_running",
        "_hours",
        "_vibration",
        "_last_running_vib",
        "_temperature",
        "_pressure",
        "_temp_alerted",
        "_pre_stop_vib",
        "_restarted",
        "_service_pending",
        "_current_product",
    )
    """Attributes that are JSON as they stand (floats, bools, strings or None)."""

    def _snapshot_state(self) -> dict[str, Any]:
        schedule = self._schedule
        return {
            **{name: getattr(self, name) for name in self._PLAIN},
            "trend": self._trend.snapshot(),
            "recent": list(self._recent),
            "zone_alerted": int(self._zone_alerted),
            "health_at": iso(self._health_at),
            "stopped_since": iso(self._stopped_since),
            "down_since": iso(self._down_since),
            "made": dict(self._made),
            "schedule": None if schedule is None else schedule.snapshot(),
        }

    def _restore_state(self, data: dict[str, Any]) -> None:
        for name in self._PLAIN:
            setattr(self, name, data[name])
        self._trend.restore(data["trend"])
        self._recent.clear()
        self._recent.extend(float(v) for v in data["recent"])
        self._zone_alerted = Zone(data["zone_alerted"])
        self._health_at = when(data["health_at"])
        self._stopped_since = when(data["stopped_since"])
        self._down_since = when(data["down_since"])
        self._made = {p: float(u) for p, u in data["made"].items()}
        schedule = data["schedule"]
        self._schedule = (
            None if schedule is None else Schedule.from_snapshot(self.asset_id, schedule)
        )
