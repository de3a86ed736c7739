"""The MILP policy for networks too large to plan asset by asset.

`AggregatingPlanner` folds the agents' snapshot (`optimizer.aggregate`:
warehouses into zones, alike machines into work centres, suppliers into
pools), lets a planner plan the folded one, and puts the plan back onto the
member assets (`optimizer.disaggregate`), routes re-timed from their
vehicles' own depots (`optimizer.retime`), so the coordinator reviews,
commits and dispatches it as any plan. The planner it covers sees only
folded snapshots: the plan in force it is handed is its own folded plan,
which the stability prices and repairs compare against.

The MILP it covers decides flows only (`routed_periods` 0); the routing
engine then sequences the first `routed_periods` periods' deliveries
(`optimizer.route_after`), since route columns for thousands of vehicles
and a thousand customers do not fit a replan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer.aggregate import aggregate
from optimizer.disaggregate import disaggregate
from optimizer.retime import retimed
from optimizer.route_after import routed_after
from policies.builtin import Milp
from policies.policy import SOLVED, Policy
from replan import Planner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

DEFAULT_ZONES = 24
"""Zones by default: about the L benchmark network's 24 warehouses, which the
MILP plans within a replan's budget (README, "Planning")."""


@dataclass
class FoldTimes:
    """Seconds of the last replan spent folding the snapshot, routing the MILP's deliveries
    and splitting the plan back."""

    aggregate_s: float = 0.0
    route_s: float = 0.0
    disaggregate_s: float = 0.0


class AggregatingPlanner:
    """A planner over the folded snapshot, its plans put back onto the member assets.

    Args:
        covered: plans the folded snapshots.
        zones: how many warehouse zones to fold into (`optimizer.zones`).
    """

    def __init__(self, covered: Planner, zones: int = DEFAULT_ZONES) -> None:
        self.covered = covered
        self.zones = zones
        self.times = FoldTimes()
        self._folded: dict[str, Plan] = {}

    def __call__(
        self,
        snapshot: NetworkSnapshot,
        s: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        self.times = FoldTimes()
        started = time.perf_counter()
        folded, key = aggregate(snapshot, self.zones)
        self.times.aggregate_s = time.perf_counter() - started
        own = None if previous is None else self._folded.get(previous.plan_id)
        flows = s.model_copy(update={"routed_periods": 0})
        plan = self.covered(folded, flows, plan_id, causes, own)
        if plan.status in SOLVED:
            started = time.perf_counter()
            plan = routed_after(plan, folded, s)
            self.times.route_s = time.perf_counter() - started
        self._folded = {plan_id: plan}
        started = time.perf_counter()
        member_plan = retimed(disaggregate(plan, key), snapshot.network, _departures(snapshot, s))
        self.times.disaggregate_s = time.perf_counter() - started
        return member_plan


def _departures(snapshot: NetworkSnapshot, s: PlanningSettings) -> Callable[[int], float]:
    """When vehicles leave in each period, as `PlanningData.departure` has it: not before
    now in the first."""
    now_hour = (snapshot.taken_at - snapshot.window.start).total_seconds() / 3600.0
    return lambda period: max(s.departure_hour, now_hour) if period == 0 else s.departure_hour


def zoned_milp(zones: int = DEFAULT_ZONES) -> Policy:
    """The `milp` policy's planner (a warm MILP covered by the rule) over `zones` zones."""
    return Policy(name="milp-zoned", make_planner=lambda: AggregatingPlanner(Milp().planner, zones))
