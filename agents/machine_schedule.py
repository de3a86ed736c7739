"""A machine's accepted schedule, and the hours a proposed one asks for.

The schedule is what tells a breakdown from an idle machine: a stop counts
only when the schedule has the machine working at that moment, not while its
maintenance is planned, and not once the period's hours are done (the
machine runs from the shift start until its work for the day is finished).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agents.memory import Memory
from agents.shifts import shift_containing, shift_overlap_hours
from supplysync.commands import ProduceOrder
from supplysync.network import Machine
from supplysync.planning import PlanningWindow


class Schedule(Memory):
    """One machine's part of an accepted plan, on the plan's window.

    Attributes:
        window: the plan's periods.
        run_hours: hours of runs per period.
        maintenance: the periods with planned maintenance, ascending.
    """

    window: PlanningWindow
    run_hours: dict[int, float]
    maintenance: tuple[int, ...]

    @classmethod
    def accepted(cls, machine_id: str, order: ProduceOrder, window: PlanningWindow) -> Schedule:
        """The machine's part of an accepted produce order."""
        run_hours: dict[int, float] = {}
        for run in order.runs:
            if run.machine_id == machine_id:
                run_hours[run.period] = run_hours.get(run.period, 0.0) + run.hours
        maintenance = sorted({m.period for m in order.maintenance if m.machine_id == machine_id})
        return cls(window=window, run_hours=run_hours, maintenance=tuple(maintenance))

    def period_of(self, ts: datetime) -> int | None:
        """The window period holding `ts`, None outside the window."""
        period = self.window.period_of(ts)
        return period if 0 <= period < self.window.periods else None

    def maintenance_at(self, ts: datetime) -> bool:
        """Whether maintenance is planned in the period holding `ts`."""
        return self.period_of(ts) in self.maintenance

    def maintenance_began(self, after: datetime, until: datetime) -> bool:
        """Whether a planned maintenance period began in `(after, until]`.

        Maintenance planned for a night starts while the machine is already
        idle, so the stop that precedes it says nothing; the restart after it
        is the first sign that the machine was serviced.
        """
        return any(after < self.window.period_start(p) <= until for p in self.maintenance)

    def should_run(
        self, ts: datetime, *, shift_start_hour: float, hours_per_day: float, grace: timedelta
    ) -> bool:
        """Whether the machine should be working at `ts` (past a start-up grace)."""
        period = self.period_of(ts)
        if period is None or period in self.maintenance:
            return False
        planned = self.run_hours.get(period, 0.0)
        shift = shift_containing(ts, shift_start_hour, hours_per_day)
        if planned <= 0 or shift is None or ts - shift < grace:
            return False
        start = self.window.period_start(period)
        return shift_overlap_hours(start, ts, shift_start_hour, hours_per_day) < planned


def hours_asked(order: ProduceOrder, spec: Machine) -> tuple[dict[int, float], list[str]]:
    """Hours per period an order asks of a machine, and the runs it cannot do at all.

    A run takes at least `quantity / rate` hours whatever its `hours` say, so
    an order that understates its time is still caught; maintenance windows
    take their hours from the same shift.
    """
    load: dict[int, float] = {}
    problems: list[str] = []
    for run in order.runs:
        if run.machine_id != spec.id:
            continue
        rate = spec.rates.get(run.product_id)
        if rate is None:
            problems.append(f"cannot make {run.product_id}")
            continue
        load[run.period] = load.get(run.period, 0.0) + max(run.hours, run.quantity / rate)
    for window in order.maintenance:
        if window.machine_id == spec.id:
            load[window.period] = load.get(window.period, 0.0) + window.hours
    return load, problems
