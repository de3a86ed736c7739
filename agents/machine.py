"""`MachineAgent`: a production machine's health, downtime and capacity.

What the readings teach (wear, its predicted failure, stops and breakdowns)
is a `MachineMemory` that `agents.machine_step.step` replaces for each
reading; this class is the `agents.base.Agent` around it. It offers the
planner capacity per period, with downtime and derating taken off, asks for
maintenance before a predicted failure, and rejects work it cannot do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from agents.core import AgentCore, Upgrade
from agents.health import derated
from agents.machine_memory import MachineMemory, upgrade_format_2, upgrade_format_3
from agents.machine_schedule import Schedule, hours_asked
from agents.machine_step import MachineSetup, step
from agents.settings import AgentSettings
from agents.shifts import shift_overlap_hours
from agents.states import MachineState
from supplysync.commands import AssignmentResponse, Command, ProduceOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import MachineOffer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading


class MachineAgent(AgentCore[MachineMemory]):
    """Live state of one machine and its part of the production plan."""

    snapshot_format = 4
    upgrades: ClassVar[Mapping[int, Upgrade]] = {
        2: lambda data: upgrade_format_3(upgrade_format_2(data)),
        3: upgrade_format_3,
    }

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "machine", network, settings)
        self.spec = network.machine(asset_id)
        self._setup = MachineSetup(self.settings, self.spec, self._alert)
        self.memory = MachineMemory(health=self.spec.initial_health)

    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        self.memory, raised = step(self.memory, reading, self._setup)
        alerts.extend(raised)

    @property
    def health(self) -> float:
        """The health estimate (0..1) the offers carry."""
        return self.memory.health

    @property
    def health_at(self) -> datetime | None:
        """When the estimate last took in a running vibration reading.

        None while the health is still the spec's initial health. A replay of
        stored readings dates its health series by it (`reads.machine_health`).
        """
        return self.memory.health_at

    # ------------------------------------------------------------------ capacity
    def _capacity(self, window: PlanningWindow, period: int, now: datetime) -> float:
        """Shift hours the machine can give in a period after `now`, downtime and derating."""
        start, down = max(window.period_start(period), now), self.memory.down_since
        if down is not None:
            start = max(start, down + timedelta(hours=self.spec.repair_hours))
        end = window.period_start(period + 1)
        hours = shift_overlap_hours(
            start, end, self.settings.shift_start_hour, self.spec.hours_per_day
        )
        return derated(
            hours, self.memory.health, self.settings.derate_health, self.settings.derate_factor
        )

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> MachineOffer:
        """Capacity per period and, when a failure is predicted, when maintenance is due."""
        predicted = self.memory.trend.predicted_at
        due = None
        if predicted is not None:
            margin = timedelta(hours=self.settings.failure_safety_margin_hours)
            due = max(0, window.period_of(predicted - margin))
        return MachineOffer(
            machine_id=self.asset_id,
            plant_id=self.spec.plant_id,
            health=self.memory.health,
            down=self.memory.down_since is not None,
            capacity_hours=[self._capacity(window, p, now) for p in range(window.periods)],
            rates=dict(self.spec.rates),
            setup_hours=self.spec.setup_hours,
            maintenance_hours=self.spec.maintenance_hours,
            repair_hours=self.spec.repair_hours,
            predicted_failure_at=predicted,
            maintenance_due_period=due,
            current_product=self.memory.current_product,
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
        down = self.memory.down_since
        if down is not None and capacity <= 0:
            back = down + timedelta(hours=self.spec.repair_hours)
            return (
                f"down since {down:%Y-%m-%d %H:%M} until about {back:%Y-%m-%d %H:%M}, "
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
            schedule = Schedule.accepted(self.asset_id, command.body, command.window)
            self.memory = self.memory.replace(schedule=schedule)

    def state(self) -> MachineState:
        """Live readings, health, prediction and downtime."""
        m, fit = self.memory, self.memory.trend.trend
        return MachineState(
            asset_id=self.asset_id,
            kind="machine",
            running=m.running,
            hour_meter=m.hours,
            vibration_mm_s=m.vibration,
            temperature_c=m.temperature,
            pressure_kpa=m.pressure,
            health=m.health,
            zone=m.zone_alerted.label,
            predicted_failure_at=m.trend.predicted_at,
            wear_per_hour=fit.slope_per_hour if fit else None,
            down_since=m.down_since,
            current_product=m.current_product,
            made=m.made,
            has_schedule=m.schedule is not None,
            devices=self._devices_state(),
        )
