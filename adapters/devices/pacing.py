"""Simulated time from wall time: where the fleet's world should be now.

A live fleet runs on the wall clock, so its world begins now, to the
second: the readings then carry real timestamps at `speed` 1 and agree
with the live system's clock. Not floored to a step boundary: that would
set the world up to a step behind the wall at speed 1, and what the system
stamped on the wall meanwhile (its first plan) would stand in the
network's future.

Its days are the network's calendar days, from UTC midnight
(`supplysync.planning.calendar_period`), not from whenever it began: the
scenario is moved to start at the midnight before (`rebased`) and the
world begins at the start instant within that first day, inside the step
under way (`Simulator(begin=)`), so nothing in it happens before then.
So the daily orders, their due days, the machines' 06:00 UTC shift, the
customers' windows and the departure hour fall where the live loop's plan
periods and the page's timetable put them. Scripted disruptions are given
in days from the start, so they move with its day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from supplysync.planning import calendar_period
from supplysync.scenario import Scenario


def rebased(scenario: Scenario, start: datetime) -> Scenario:
    """`scenario` starting at the UTC midnight of `start`'s day."""
    midnight = calendar_period(start, 24.0)
    simulation = scenario.simulation.model_copy(update={"start": midnight})
    return scenario.model_copy(update={"simulation": simulation})


@dataclass(frozen=True)
class Pacing:
    """Simulated instant `sim_origin` was wall instant `wall_origin` (monotonic seconds)."""

    sim_origin: datetime
    wall_origin: float
    speed: float

    def sim_time(self, wall: float) -> datetime:
        return self.sim_origin + timedelta(seconds=(wall - self.wall_origin) * self.speed)
