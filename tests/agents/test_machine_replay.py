"""Long reading sequences through machine agents give the alerts and health recorded for them.

Two sequences: a week of the demo world (the simulator, its scripted wear
on M-DUI-1 that ends in a breakdown and a repair, daily schedules with
maintenance) for every machine, and a long seeded jumble of stops,
restarts, vibration, heat and output for one machine on a tight trend
setting. `data/machine_replay.json` holds what the agents gave on them,
recorded by `python -m tests.agents.test_machine_replay`: every alert, the
health and health time after every batch (as runs of equal entries), and
the final state, floats to their last bits (`tests.floats`: the recording
is read on other CPUs). It pins
the machine's operating logic against a change of how its memory is
written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from adapters.simulator.engine import Simulator
from agents.factory import build_agent
from agents.machine import MachineAgent
from agents.settings import AgentSettings
from agents.states import state_json
from supplysync.commands import Command, ProduceOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.scenario import Scenario
from tests.agents.test_steps import LOOSE, MACHINE, machine_readings, machine_schedule
from tests.floats import assert_matches_recording

RECORDED = Path(__file__).parent / "data" / "machine_replay.json"
DAYS = 7
JUMBLE = 4000
"""Events in the seeded jumble (`test_steps.machine_readings`)."""

MAINTENANCE = {"M-DUI-1": 4, "M-DUI-2": 2, "M-EHV-1": 3}
"""The day each of these machines is scheduled for maintenance."""


def _order(network: Network, machine_id: str, day: int, window: PlanningWindow) -> Command:
    """A day's schedule: its first product for most of the shift, maintenance on its day."""
    spec = network.machine(machine_id)
    product, rate = sorted(spec.rates.items())[day % len(spec.rates)]
    hours = spec.hours_per_day - 2
    runs = [
        ProductionRun(
            machine_id=machine_id,
            product_id=product,
            period=p,
            quantity=rate * hours,
            hours=hours,
        )
        for p in range(window.periods)
    ]
    maintenance = [
        MaintenanceWindow(machine_id=machine_id, period=p, hours=spec.maintenance_hours)
        for p in range(window.periods)
        if MAINTENANCE.get(machine_id) == day + p
    ]
    return Command(
        command_id=f"cmd-{machine_id}-{day}",
        plan_id=f"plan-{day}",
        asset_id=machine_id,
        asset_kind="machine",
        issued_at=window.start,
        window=window,
        body=ProduceOrder(runs=runs, maintenance=maintenance),
    )


def _alert(a: Alert) -> dict[str, Any]:
    return a.model_dump(mode="json")


Health = tuple[float, str | None]
"""An agent's health and when it last took in a running sample."""


def _runs(series: list[Health]) -> list[tuple[float, str | None, int]]:
    """`series` as runs of equal entries, each with its length."""
    runs: list[tuple[float, str | None, int]] = []
    for health, at in series:
        if runs and runs[-1][:2] == (health, at):
            runs[-1] = (health, at, runs[-1][2] + 1)
        else:
            runs.append((health, at, 1))
    return runs


Visit = Callable[[str, str, int, MachineAgent], MachineAgent]
"""Called with the part, the machine, the batch's index and its agent after each batch;
returns the agent to go on with (a seam for taking and restoring snapshots midway)."""


def _go_on(part: str, machine_id: str, index: int, agent: MachineAgent) -> MachineAgent:
    return agent


def simulated_week(scenario: Scenario, visit: Visit = _go_on) -> dict[str, Any]:
    """Every machine of the demo world through a week of its readings, batch by batch."""
    network = scenario.network
    sim = Simulator(scenario)
    agents = {m.id: _machine(m.id, network) for m in network.machines}
    alerts: list[dict[str, Any]] = []
    health: dict[str, list[Health]] = {m: [] for m in agents}
    readings = 0
    for day in range(DAYS):
        start = scenario.simulation.start + timedelta(days=day)
        window = PlanningWindow(start=start, period_hours=24, periods=3)
        commands = [_order(network, m, day, window) for m in agents]
        sim.execute(commands)
        for c in commands:
            agents[c.asset_id].commit(c)
        for step in range(96):
            frame = sim.advance(sim.now + sim.step)
            now = sim.now
            batch: dict[str, list[Reading]] = {m: [] for m in agents}
            for r in frame.readings:
                if r.asset_id in batch:
                    batch[r.asset_id].append(r)
            for machine_id in list(agents):
                agent = agents[machine_id]
                readings += len(batch[machine_id])
                alerts += [_alert(a) for a in agent.ingest(batch[machine_id], now)]
                alerts += [_alert(a) for a in agent.tick(now)]
                agent = agents[machine_id] = visit("week", machine_id, 96 * day + step, agent)
                at = agent.health_at
                health[machine_id].append((agent.health, None if at is None else at.isoformat()))
    return {
        "readings": readings,
        "alerts": alerts,
        "health": {m: _runs(series) for m, series in health.items()},
        "states": {m: state_json(a.state()) for m, a in agents.items()},
    }


def jumble(network: Network, visit: Visit = _go_on) -> dict[str, Any]:
    """One machine through a long seeded sequence of every kind of reading, one at a time."""
    rng = np.random.default_rng(24)
    kinds = ["runtime", "vibration", "temperature", "pressure", "output", "wear"]
    events = [
        (str(rng.choice(kinds)), bool(rng.random() < 0.5), float(rng.uniform(0, 12)))
        for _ in range(JUMBLE)
    ]
    agent = _machine(MACHINE, network, LOOSE)
    agent.commit(machine_schedule())
    alerts: list[dict[str, Any]] = []
    health: list[Health] = []
    for index, reading in enumerate(machine_readings(events)):
        assert not isinstance(reading, datetime)
        alerts += [_alert(a) for a in agent.ingest([reading], reading.ts)]
        agent = visit("jumble", MACHINE, index, agent)
        at = agent.health_at
        health.append((agent.health, None if at is None else at.isoformat()))
    return {"alerts": alerts, "health": _runs(health), "state": state_json(agent.state())}


def _machine(
    machine_id: str, network: Network, settings: AgentSettings | None = None
) -> MachineAgent:
    agent = build_agent(machine_id, network, settings)
    assert isinstance(agent, MachineAgent)
    return agent


def replayed(scenario: Scenario, visit: Visit = _go_on) -> dict[str, Any]:
    return {
        "week": simulated_week(scenario, visit),
        "jumble": jumble(scenario.network, visit),
    }


def test_the_replay_gives_the_recorded_alerts_and_health(demo_scenario: Scenario) -> None:
    recorded = json.loads(RECORDED.read_text())
    now = json.loads(json.dumps(replayed(demo_scenario)))
    for part in ("week", "jumble"):
        assert_matches_recording(now[part]["alerts"], recorded[part]["alerts"], f"{part}.alerts")
        assert_matches_recording(now[part]["health"], recorded[part]["health"], f"{part}.health")
    assert_matches_recording(now, recorded)


def test_the_replay_goes_through_the_operating_states(demo_scenario: Scenario) -> None:
    """The recording exercises what it pins: breakdowns, repairs, warnings and predictions."""
    recorded = json.loads(RECORDED.read_text())
    for part in ("week", "jumble"):
        kinds = {a["kind"] for a in recorded[part]["alerts"]}
        assert {"machine_down", "machine_restored", "threshold"} <= kinds, part


if __name__ == "__main__":
    from supplysync.scenario import load_scenario
    from tests.conftest import DEMO_SCENARIO

    text = json.dumps(replayed(load_scenario(DEMO_SCENARIO)), indent=1)
    runs = re.compile(r"\[\n\s*([^\[\]{}\n]+),\n\s*([^\[\]{}\n]+),\n\s*(\d+)\n\s*\]")
    RECORDED.write_text(runs.sub(r"[\1, \2, \3]", text) + "\n")  # a run of health to a line
