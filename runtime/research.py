"""Research mode: the whole loop on a virtual clock against the simulator.

The simulator stands in for the devices and the ERP; readings go through the
same batcher and agents as live mode, alerts and orders reach the
coordinator as one turn's inputs (`replan.turn`, the turn live mode runs
too), and its commands go back to the simulated assets, so every
outcome is a consequence of what the policy decided. No broker is needed:
this is the embedded default that `supplysync demo` runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from adapters.simulator import Simulator
from adapters.store import Record
from policies.policy import Policy
from replan import Dispatch, TurnInputs, TurnStats
from runtime.coordinator import Coordinator
from runtime.directory import Directory
from supplysync.events import Alert
from supplysync.kpi import Kpis
from supplysync.plan import Plan
from supplysync.scenario import Scenario

Progress = Callable[[str], None]


class Replanner(Protocol):
    """What a research run needs of its coordinator, wherever the loop runs."""

    @property
    def plans(self) -> list[Plan]: ...
    @property
    def stats(self) -> TurnStats: ...
    def step(self, inputs: TurnInputs) -> Dispatch | None: ...
    def close(self) -> None: ...


ReplannerFactory = Callable[..., Replanner]
"""Builds a run's coordinator from `Coordinator`'s keywords: `Coordinator`
itself, or `cluster.coordinator_actor.RemoteCoordinator` to run it as a Ray
actor (the runner stays free of Ray)."""


@dataclass
class PolicyRun:
    """What one policy achieved on one scenario."""

    policy: str
    kpis: Kpis
    plans: list[Plan]
    alerts: list[Alert] = field(default_factory=list)
    readings: int = 0
    wall_seconds: float = 0.0


class Recorder(Protocol):
    """Where a run's records go: an event store, a Parquet log (`adapters.eventlog`), both."""

    def append(self, records: Iterable[Record], *, run_id: str = ...) -> None: ...


def run_policy(
    scenario: Scenario,
    policy: Policy,
    directory: Directory,
    *,
    progress: Progress | None = None,
    coordinator: ReplannerFactory = Coordinator,
    tick_every: timedelta = timedelta(hours=1),
    store: Recorder | None = None,
) -> PolicyRun:
    """Run `scenario` start to end under `policy` with fresh agents.

    A policy that must know its run before it plans (`Policy.for_run`, the
    hindsight policy) is bound here to `scenario`, the same scenario and
    seed the simulator is made from; this is the only place that binds one.

    Args:
        scenario: network, simulation settings and disruptions.
        policy: the planning policy.
        directory: where the agents live; it is reset to fresh agents first.
        progress: called with one line per simulated day.
        coordinator: builds the run's coordinator; the plain one runs in
            this process.
        tick_every: how often agents get a time tick (silence checks).
        store: if given, every reading, alert, order, proof of delivery, plan
            and dispatched command of the run is recorded under the policy's
            name as run id, one `append` (a transaction in an event store)
            per simulated step.
    """
    started = time.perf_counter()
    if policy.for_run is not None:
        policy = policy.for_run(scenario)
    directory.reset(scenario.network)
    sim = Simulator(scenario)
    loop = coordinator(
        network=scenario.network,
        planning=scenario.planning,
        directory=directory,
        policy=policy,
        origin=sim.now,
        run_end=sim.end,
    )
    step = timedelta(minutes=scenario.simulation.step_minutes)
    alerts: list[Alert] = []
    readings = 0
    next_tick = sim.now + tick_every
    next_day = sim.now + timedelta(days=1)
    frame = sim.advance(sim.now)
    now = sim.now
    while True:
        batch = directory.ingest(frame.readings, now)
        readings += len(frame.readings)
        if now >= next_tick:
            batch.extend(directory.tick(now))
            next_tick += tick_every
        alerts.extend(batch)
        news = TurnInputs(now, alerts=batch, orders=frame.orders, deliveries=frame.deliveries)
        dispatch = loop.step(news)
        if dispatch is not None:
            sim.execute(dispatch.commands)
        if store is not None:
            records: list[Record] = [*frame.readings, *batch, *frame.orders, *frame.deliveries]
            if dispatch is not None:
                records.extend([dispatch.plan, *dispatch.commands])
            store.append(records, run_id=policy.name)
        if now >= next_day and progress is not None:
            day = (now - scenario.simulation.start).days
            progress(
                f"[{policy.name}] day {day}/{scenario.simulation.days}: "
                f"{readings} readings, {len(alerts)} alerts, {loop.stats.replans} plans"
            )
            next_day += timedelta(days=1)
        if now >= sim.end:
            break
        frame = sim.advance(now + step)
        now = sim.now
    stats, plans = loop.stats, loop.plans
    loop.close()
    latencies = sorted(stats.latencies_s)
    kpis = sim.kpis().model_copy(
        update={
            "replans": stats.replans,
            "replan_latency_p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
            "replan_latency_max_ms": latencies[-1] * 1000 if latencies else 0.0,
        }
    )
    return PolicyRun(
        policy=policy.name,
        kpis=kpis,
        plans=plans,
        alerts=alerts,
        readings=readings,
        wall_seconds=time.perf_counter() - started,
    )
