"""What every world model shares: the time base, chance, outputs and tallies.

Inside the simulator time is a float: hours since the scenario start. Day `d`
spans hours `[24 d, 24 (d + 1))`, the same day numbering scenario
disruptions use. Datetimes appear only at the edges (commands in, readings out).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from adapters.simulator.emitter import Emitter
from adapters.simulator.kpis import Tally
from supplysync.scenario import Scenario

EPS = 1e-9
"""Slack for comparing simulation hours built from sums of floats."""

MIN_UNITS = 1e-4
"""Smaller movements are rounding dust, not goods: they make no RFID scan."""


@dataclass
class World:
    """The context handed to each model.

    Attributes:
        start: the instant hour 0 stands for.
        days: length of the run; orders due later do not count in the KPIs.
        rng: chance in the physical world (sensor noise, driving events).
        demand_rng: chance in customer demand, a stream of its own so that
            every policy run on one seed meets exactly the same orders,
            whatever its commands make the physical models draw.
        emit: where readings go.
        tally: KPI counters the models add to.
        notes: plain-language record of what the world changed or refused.
    """

    start: datetime
    days: int
    rng: np.random.Generator
    demand_rng: np.random.Generator
    emit: Emitter
    tally: Tally = field(default_factory=Tally)
    notes: list[str] = field(default_factory=list)

    @property
    def end_h(self) -> float:
        return 24.0 * self.days

    def hours(self, ts: datetime) -> float:
        """Simulation hours of an aware datetime."""
        return (ts - self.start).total_seconds() / 3600.0

    def note(self, h: float, text: str) -> None:
        self.notes.append(f"{self.emit.ts(h).isoformat()} {text}")


def day_start(h: float) -> float:
    """The first hour of the day that contains hour `h`."""
    return 24.0 * math.floor(h / 24.0 + EPS)


def hour_crossed(t0: float, t1: float) -> bool:
    """Whether a whole hour lies in `(t0, t1]`: hourly devices report at `t1`."""
    return math.floor(t1 + EPS) > math.floor(t0 + EPS)


def seeded_world(scenario: Scenario, seed: int | None = None) -> World:
    """The world of `scenario` on `seed` (default: the scenario's own).

    Physics and demand draw from two streams spawned from the seed, so that
    the hindsight oracle, which replays the demand stream alone, meets the
    very orders the simulator places; both build their world here.
    """
    sim = scenario.simulation
    physics, demand = np.random.SeedSequence(sim.seed if seed is None else seed).spawn(2)
    return World(
        start=sim.start,
        days=sim.days,
        rng=np.random.default_rng(physics),
        demand_rng=np.random.default_rng(demand),
        emit=Emitter(sim.start),
    )
