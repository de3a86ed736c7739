"""A plan's production as clock times: when each machine sets up, makes and is maintained.

A plan gives each run a period and its hours; the machines decide the clock
times. `timetable` derives them by the rules the machines work by
(`adapters.simulator.machines.MachineSim`, which research runs and the live
device fleet both run), so what the page draws is what the machines will do:

- A machine works its runs one after the other: period by period, and within
  a period in the plan's order (the machine queues them sorted by period
  alone). The MILP lists a machine's runs product by product, so this is
  not the plan's own order.
- A run starts no earlier than its period begins, nor before the plan was
  made (when the machine takes it; a live device fleet carries a command
  out from the end of the quarter-hour step under way, up to a step later).
- The machine works only in its daily shift: `hours_per_day` hours from
  06:00 UTC (`SHIFT_START_HOUR`).
- A run of another product than the one the machine is set up for takes the
  machine's `setup_hours` first. Before the first run, the machine is set up
  for the product the planner saw on it: that of a first-period run the plan
  priced without a setup (`optimizer.data.MachineData.setup`), else none.
- Making takes `quantity / rate` hours, whatever the run's `hours` say.
- Maintenance starts at the beginning of its period (when the plan is made,
  if its period has begun), in the shift or not, after any maintenance
  before it; it stops the machine for the machine's `maintenance_hours`,
  and a run it interrupts resumes afterwards.

The plan does not say whether a run was under way when it was made: the
timetable assumes the machine takes the plan between runs, as at the daily
tick. (A machine mid-run finishes its current product first.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, Field

from supplysync.network import SHIFT_START_HOUR, Frozen, Id, Machine, NonNeg
from supplysync.offers import MaintenanceWindow, Period, ProductionRun
from supplysync.plan import Plan

EPS_H = 1e-3
"""Work left below this many hours is done: plans round hours and units to 1/1000, so less is
rounding, and would otherwise carry a run's last seconds into the next shift."""


class Span(Frozen):
    """A stretch of a run: the setup, or making, from `start` to `end`."""

    kind: Literal["setup", "make"]
    start: AwareDatetime
    end: AwareDatetime


class TimedRun(Frozen):
    """A production run as its machine works it.

    `spans` are the stretches the machine works on it, setup first; a run
    that meets the end of a shift or a maintenance continues in the next
    stretch, so there may be several of each kind.
    """

    machine_id: Id
    product_id: Id
    period: Period
    quantity: NonNeg
    start: AwareDatetime = Field(description="when its setup (or, without one, making) begins")
    end: AwareDatetime = Field(description="when its last unit is made")
    setup_hours: NonNeg
    spans: list[Span]


class TimedMaintenance(Frozen):
    """A maintenance window as its machine is stopped for it."""

    machine_id: Id
    period: Period
    start: AwareDatetime
    end: AwareDatetime


class Timetable(Frozen):
    """A plan's production and maintenance as clock times, machine by machine.

    Runs are listed machine by machine in the order each machine works
    them. `unscheduled` says, in words, what of the plan no machine of the
    network can do (an unknown machine, a product it does not make).
    """

    plan_id: str
    runs: list[TimedRun] = Field(default_factory=list)
    maintenance: list[TimedMaintenance] = Field(default_factory=list)
    unscheduled: list[str] = Field(default_factory=list)


def timetable(plan: Plan, machines: Iterable[Machine]) -> Timetable:
    """When each of `plan`'s runs and maintenance windows happens on `machines`."""
    specs = {m.id: m for m in machines}
    runs: list[TimedRun] = []
    maintenance: list[TimedMaintenance] = []
    unscheduled: list[str] = []
    machine_ids = {r.machine_id for r in plan.production} | {w.machine_id for w in plan.maintenance}
    for machine_id in sorted(machine_ids):
        own = [r for r in plan.production if r.machine_id == machine_id]
        windows = [w for w in plan.maintenance if w.machine_id == machine_id]
        spec = specs.get(machine_id)
        if spec is None:
            unscheduled.append(
                f"{machine_id} is not in the network: its runs ({len(own)}) and "
                f"maintenance ({len(windows)}) are not scheduled"
            )
            continue
        stops = _stops(plan, spec, windows)
        maintenance += stops
        for run in own:
            if run.quantity > 0 and run.product_id not in spec.rates:
                unscheduled.append(
                    f"{machine_id} cannot make {run.product_id}: "
                    f"{run.quantity:g} units in period {run.period} not scheduled"
                )
        runs += _work(plan, spec, own, stops)
    return Timetable(
        plan_id=plan.plan_id, runs=runs, maintenance=maintenance, unscheduled=unscheduled
    )


def _stops(plan: Plan, spec: Machine, windows: list[MaintenanceWindow]) -> list[TimedMaintenance]:
    """The machine's maintenance, each from its period's start (or the plan's) for its hours."""
    out: list[TimedMaintenance] = []
    free = plan.created_at
    for w in sorted(windows, key=lambda w: w.period):
        start = max(free, plan.window.period_start(w.period))
        free = start + timedelta(hours=spec.maintenance_hours)
        out.append(TimedMaintenance(machine_id=spec.id, period=w.period, start=start, end=free))
    return out


def _work(
    plan: Plan, spec: Machine, own: list[ProductionRun], stops: list[TimedMaintenance]
) -> list[TimedRun]:
    """The machine's runs, one after the other, through its shifts and around its stops."""
    queue = sorted(
        (r for r in own if r.quantity > 0 and r.product_id in spec.rates), key=lambda r: r.period
    )
    set_up = _set_up_for(spec, queue)
    clock = plan.created_at
    out = []
    for run in queue:
        start = _free_from(max(clock, plan.window.period_start(run.period)), spec, stops)
        setup = spec.setup_hours if run.product_id != set_up else 0.0
        set_up = run.product_id
        spans: list[Span] = []
        clock = start
        for kind, hours in (("setup", setup), ("make", run.quantity / spec.rates[run.product_id])):
            stretches, clock = _through(clock, hours, spec, stops)
            spans += [Span(kind=kind, start=a, end=b) for a, b in stretches]
        out.append(
            TimedRun(
                machine_id=spec.id,
                product_id=run.product_id,
                period=run.period,
                quantity=run.quantity,
                start=start,
                end=clock,
                setup_hours=setup,
                spans=spans,
            )
        )
    return out


def _set_up_for(spec: Machine, queue: list[ProductionRun]) -> str | None:
    """The product the planner saw the machine set up for, or None.

    The planner prices no setup for a first-period run of that product.
    """
    for run in queue:
        making = run.quantity / spec.rates[run.product_id]
        if run.period == 0 and run.hours < making + spec.setup_hours / 2:
            return run.product_id
    return None


def _through(
    clock: datetime, hours: float, spec: Machine, stops: list[TimedMaintenance]
) -> tuple[list[tuple[datetime, datetime]], datetime]:
    """The stretches that `hours` of work from `clock` take, and when they are done.

    Work happens in shifts, outside maintenance: the end of a shift or the
    start of a maintenance cuts a stretch, and the work goes on in the next.
    """
    stretches: list[tuple[datetime, datetime]] = []
    left = hours
    while left > EPS_H:
        clock = _free_from(clock, spec, stops)
        edges = [s.start for s in stops if s.start > clock]
        end = min([_shift(clock, spec.hours_per_day)[1], *edges, clock + timedelta(hours=left)])
        left -= (end - clock).total_seconds() / 3600.0
        if stretches and stretches[-1][1] == clock:  # a shift of 24 h runs on
            clock = stretches.pop()[0]
        stretches.append((clock, end))
        clock = end
    return stretches, clock


def _free_from(clock: datetime, spec: Machine, stops: list[TimedMaintenance]) -> datetime:
    """The first instant from `clock` in the machine's shift and outside its maintenance."""
    while True:
        stop = next((s for s in stops if s.start <= clock < s.end), None)
        if stop is not None:
            clock = stop.end
            continue
        working, edge = _shift(clock, spec.hours_per_day)
        if working:
            return clock
        clock = edge


def _shift(ts: datetime, shift_h: float) -> tuple[bool, datetime]:
    """Whether `ts` is in a shift of `shift_h` hours, and when it ends or the next begins."""
    start = timedelta(hours=SHIFT_START_HOUR)
    day = (ts - start).astimezone(UTC)
    begin = datetime(day.year, day.month, day.day, tzinfo=UTC) + start
    if ts < begin + timedelta(hours=shift_h):
        return True, begin + timedelta(hours=shift_h)
    return False, begin + timedelta(days=1)
