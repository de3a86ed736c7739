"""A machine's health estimate over time, rebuilt from its stored readings.

The machine agent estimates health from the mean of its last few running
vibration readings (`agents.machine`, `agents.health.estimate_health`) and
keeps no history of it, and the store keeps no health. Replaying the
machine's stored runtime and vibration readings in log order through a
fresh `MachineAgent` gives the estimate the agent made at each running
vibration reading, by the agent's own code: which readings count (running,
hour meter known, above the idle level), how many, and when a restart after
a service starts the window afresh are not written a second time here.

The estimate at the start of a range depends on the running readings before
it, so the caller hands over a warm-up before `since` as well; only points
from `since` on are returned.

The replay knows what the readings say and nothing else: not the accepted
schedule (a snapshot after each commit holds it, not the log). A stop the
live agent took as planned maintenance, or its restart after a breakdown,
starts the agent's window afresh; the replay starts afresh only after a stop
that began at the warn level or above. After such a service the series can
differ from the agent's for the next `health_samples` running readings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from agents.machine import MachineAgent
from agents.settings import AgentSettings
from supplysync.network import Frozen, Network
from supplysync.readings import Reading, VibrationReading
from supplysync.scenario import PlanningSettings
from supplysync.snapshots import log_order

HEALTH_KINDS = frozenset({"runtime", "vibration"})
"""The reading kinds the estimate depends on: the hour meter's running flag and vibration."""


class HealthPoint(Frozen):
    """The machine's health estimate (0..1) after the running vibration reading at `ts`."""

    ts: datetime
    health: float


def health_series(
    machine_id: str,
    network: Network,
    readings: Iterable[Reading],
    *,
    since: datetime,
    planning: PlanningSettings,
) -> list[HealthPoint]:
    """The estimates a `MachineAgent` fed `readings` makes from `since` on, oldest first.

    `readings` are the machine's, from a warm-up before `since` to the end
    of the range; the agent's settings follow `planning` as the live loop's do.
    """
    agent = MachineAgent(machine_id, network, AgentSettings().following(planning))
    out: list[HealthPoint] = []
    for r in sorted((r for r in readings if r.kind in HEALTH_KINDS), key=log_order):
        agent.ingest([r], r.ts)
        if isinstance(r, VibrationReading) and r.ts >= since and agent.health_at == r.ts:
            out.append(HealthPoint(ts=r.ts, health=agent.health))
    return out
