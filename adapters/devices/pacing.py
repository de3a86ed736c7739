"""Simulated time from wall time: where the fleet's world should be now.

A live fleet runs on the wall clock, so its scenario is moved to start now
(to the second): the readings then carry real timestamps at `speed` 1 and
agree with the live system's clock. Not floored to a step boundary: that
would set the world up to a step behind the wall at speed 1, and what the
system stamped on the wall meanwhile (its first plan) would stand in the
network's future. Scripted disruptions are given in days from the start,
so they move with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from supplysync.scenario import Scenario


def rebased(scenario: Scenario, start: datetime) -> Scenario:
    """`scenario` starting at `start`, to the second."""
    simulation = scenario.simulation.model_copy(update={"start": start.replace(microsecond=0)})
    return scenario.model_copy(update={"simulation": simulation})


@dataclass(frozen=True)
class Pacing:
    """Simulated instant `sim_origin` was wall instant `wall_origin` (monotonic seconds)."""

    sim_origin: datetime
    wall_origin: float
    speed: float

    def sim_time(self, wall: float) -> datetime:
        return self.sim_origin + timedelta(seconds=(wall - self.wall_origin) * self.speed)
