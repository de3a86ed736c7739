"""Simulated time from wall time: where the fleet's world should be now.

A live fleet runs on the wall clock, so its scenario is moved to start now
(floored to a simulation step, keeping the step grid on round minutes): the
readings then carry real timestamps at `speed` 1 and agree with the live
system's clock. Scripted disruptions are given in days from the start, so
they move with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from supplysync.scenario import Scenario


def rebased(scenario: Scenario, start: datetime) -> Scenario:
    """`scenario` starting at `start` floored to its step."""
    step = timedelta(minutes=scenario.simulation.step_minutes)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    floored = epoch + ((start - epoch) // step) * step
    simulation = scenario.simulation.model_copy(update={"start": floored})
    return scenario.model_copy(update={"simulation": simulation})


@dataclass(frozen=True)
class Pacing:
    """Simulated instant `sim_origin` was wall instant `wall_origin` (monotonic seconds)."""

    sim_origin: datetime
    wall_origin: float
    speed: float

    def sim_time(self, wall: float) -> datetime:
        return self.sim_origin + timedelta(seconds=(wall - self.wall_origin) * self.speed)
