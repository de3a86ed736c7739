"""Production machines: a work queue worked in daily shifts, with wear.

A machine works only inside its shift (from 06:00 for `hours_per_day` hours
each day) and only on runs whose period has begun, one run after the other
in the order the plan lists them. A new plan is its whole work from now on
(`MachineSim.command`). A change of product costs `setup_hours`
first. Health falls by `wear_per_hour` (times any degradation in force) per
producing hour; at zero the machine breaks and is down for `repair_hours` of
unplanned downtime. Planned maintenance starts at the beginning of its period,
stops the machine for `maintenance_hours` and restores health to 1.

Time inside a step is split into segments at every change (shift edge,
setup done, run done, failure, maintenance, degradation onset), so output and
failure times are exact rather than rounded to the step.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

from adapters.simulator.disruptions import Disruptions, next_breakpoint
from adapters.simulator.warehouses import WarehouseSim
from adapters.simulator.world import EPS, World
from supplysync.commands import ProduceOrder
from supplysync.network import SHIFT_START_HOUR, Machine
from supplysync.offers import ProductionRun
from supplysync.planning import PlanningWindow

IDLE_BEARING_C = 22.0
BEARING_TAU_H = 1.0


@dataclass
class _Run:
    product_id: str
    remaining: float
    ready_h: float


class MachineSim:
    """One machine's true health, queue and PLC/condition-monitoring devices."""

    def __init__(
        self, spec: Machine, output: WarehouseSim, world: World, disruptions: Disruptions
    ) -> None:
        self.spec = spec
        self._out = output
        self._world = world
        self._disruptions = disruptions
        self._wear_points = disruptions.machine_breakpoints(spec.id)
        self.health = spec.initial_health
        self.hour_meter = 0.0
        self._queue: deque[_Run] = deque()
        self._current: _Run | None = None
        self._setup_left = 0.0
        self._product: str | None = None
        self._maintenance: list[float] = []
        self._maintained: set[float] = set()
        self._repair_until = -math.inf
        self._maint_until = -math.inf
        self._bearing_c = IDLE_BEARING_C
        self._lots = 0
        self._now = 0.0
        self._running = False
        self.failures: list[float] = []

    @property
    def id(self) -> str:
        return self.spec.id

    def command(self, order: ProduceOrder, window: PlanningWindow, now_h: float) -> None:
        """Take a plan's runs and maintenance as the machine's work from its window on.

        A plan whose window has begun is everything the machine is to make
        from now: the planner offered its hours from now and planned no setup
        for the product in progress, so its ready run of that product is what
        is left of the started run, and runs of earlier plans not yet started
        are superseded. A started run the plan does not continue finishes. A
        plan for a later window keeps the work queued before it.
        """
        hours = self._world.hours
        cut = hours(window.start) - EPS
        runs = sorted(
            (r for r in order.runs if r.machine_id == self.id and r.quantity > 0),
            key=lambda r: r.period,
        )
        if cut > now_h:
            self._queue = deque(r for r in self._queue if r.ready_h < cut)
        else:
            self._queue = deque()
            runs = self._continued(runs, window, now_h)
        for run in runs:
            if run.product_id not in self.spec.rates:
                self._world.note(now_h, f"{self.id} cannot make {run.product_id}: run skipped")
                continue
            self._queue.append(
                _Run(run.product_id, run.quantity, hours(window.period_start(run.period)))
            )
        # A work order for a day whose maintenance already started is done:
        # a replan that repeats it must not stop the machine a second time.
        self._maintenance = sorted(
            [h for h in self._maintenance if h < cut]
            + [
                max(now_h, start)
                for m in order.maintenance
                if m.machine_id == self.id
                and (start := hours(window.period_start(m.period))) // 24 not in self._maintained
            ]
        )

    def _continued(
        self, runs: list[ProductionRun], window: PlanningWindow, now_h: float
    ) -> list[ProductionRun]:
        """`runs` less the one that continues the started run, which takes its quantity."""
        current = self._current
        for run in runs:
            ready = self._world.hours(window.period_start(run.period)) <= now_h + EPS
            if current is not None and ready and run.product_id == current.product_id:
                current.remaining = run.quantity
                return [r for r in runs if r is not run]
        return runs

    def step(self, t0: float, t1: float) -> None:
        """Work the machine through `[t0, t1)` and sample its devices at `t1`."""
        made: dict[str, float] = {}
        producing = False
        cur = t0
        while cur < t1 - EPS:
            cur, producing = self._segment(cur, t1, made)
        self._sample(t0, t1, producing, made)

    def state(self) -> dict[str, Any]:
        status = "running" if self._running else "idle"
        if self._repair_until > self._now:
            status = "down"
        elif self._maint_until > self._now:
            status = "maintenance"
        return {
            "health": round(self.health, 6),
            "status": status,
            "hour_meter": round(self.hour_meter, 4),
            "product": self._product,
            "queued_runs": len(self._queue) + (self._current is not None),
            "failures": [self._world.emit.ts(h).isoformat() for h in self.failures],
        }

    def _segment(self, cur: float, t1: float, made: dict[str, float]) -> tuple[float, bool]:
        """Advance from `cur` to the next change; return the new time and whether it produced."""
        tally = self._world.tally
        if self._repair_until > cur:
            end = min(t1, self._repair_until)
            tally.unplanned_downtime_h += end - cur
            if end >= self._repair_until - EPS:
                self.health = 1.0
            return end, False
        if self._maint_until > cur:
            end = min(t1, self._maint_until)
            tally.planned_maintenance_h += end - cur
            if end >= self._maint_until - EPS:
                self.health = 1.0
            return end, False
        if self._maintenance and self._maintenance[0] <= cur + EPS:
            self._maintained.add(self._maintenance.pop(0) // 24)
            self._maint_until = cur + self.spec.maintenance_hours
            return cur, False
        limit = min(t1, self._maintenance[0] if self._maintenance else math.inf)
        shift_open, shift_end = shift_at(cur, self.spec.hours_per_day)
        if not shift_open:
            return min(limit, shift_end), False
        limit = min(limit, shift_end)
        run = self._current or self._next_ready(cur)
        if run is None:
            return min(limit, self._queue[0].ready_h if self._queue else math.inf), False
        if self._setup_left > EPS:
            end = min(limit, cur + self._setup_left)
            self._setup_left -= end - cur
            return end, False
        rate = self.spec.rates[run.product_id]
        wear = self.spec.wear_per_hour * self._disruptions.wear_multiplier(self.id, cur)
        end = min(
            limit,
            cur + run.remaining / rate,
            cur + (self.health / wear if wear > 0 else math.inf),
            next_breakpoint(self._wear_points, cur),
        )
        dt = end - cur
        units = min(run.remaining, rate * dt)
        run.remaining -= units
        made[run.product_id] = made.get(run.product_id, 0.0) + units
        self.hour_meter += dt
        tally.run_hours += dt
        self.health -= wear * dt
        if run.remaining <= EPS:
            self._current = None
        if self.health <= EPS:
            self.health = 0.0
            self.failures.append(end)
            self._repair_until = end + self.spec.repair_hours
            self._world.note(end, f"{self.id} failed; down {self.spec.repair_hours:g} h")
            return end, False
        return end, True

    def _next_ready(self, cur: float) -> _Run | None:
        """Start the first queued run whose period has begun (with setup if needed)."""
        if not self._queue or self._queue[0].ready_h > cur + EPS:
            return None
        run = self._queue.popleft()
        self._current = run
        if run.product_id != self._product:
            self._setup_left = self.spec.setup_hours
            self._product = run.product_id
            if self.spec.setup_hours > 0:
                self._world.tally.setups += 1
        return run

    def _sample(self, t0: float, t1: float, running: bool, made: dict[str, float]) -> None:
        self._now, self._running = t1, running
        emit, mid = self._world.emit, self.id
        noise = self._world.rng.standard_normal(3)
        wear = (1.0 - self.health) ** 2
        if running:
            vibration = 1.2 + 6.3 * wear + 0.1 * noise[0]
            self._bearing_c = 50.0 + 30.0 * wear
            pressure = 600.0 + 8.0 * noise[2]
        else:
            vibration = 0.1 + 0.02 * noise[0]
            relax = math.exp(-(t1 - t0) / BEARING_TAU_H)
            self._bearing_c = IDLE_BEARING_C + (self._bearing_c - IDLE_BEARING_C) * relax
            pressure = 100.0 + 3.0 * noise[2]
        emit.vibration(t1, f"{mid}-vib", mid, vibration)
        emit.temperature(t1, f"{mid}-temp", mid, self._bearing_c + 0.5 * noise[1])
        emit.pressure(t1, f"{mid}-press", mid, pressure)
        emit.runtime(t1, f"{mid}-plc", mid, self.hour_meter, running)
        for product_id, units in made.items():
            if units <= 0:
                continue
            emit.output(t1, f"{mid}-plc", mid, product_id, units)
            self._out.receive(t1, product_id, units, f"out:{mid}:{self._lots}")
            self._lots += 1


def shift_at(h: float, hours_per_day: float) -> tuple[bool, float]:
    """Whether hour `h` is in a shift, and when that shift ends or the next begins."""
    begin = 24.0 * math.floor((h - SHIFT_START_HOUR) / 24.0 + EPS) + SHIFT_START_HOUR
    if h < begin + hours_per_day - EPS:
        return True, begin + hours_per_day
    return False, begin + 24.0
