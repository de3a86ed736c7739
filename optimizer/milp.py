"""The MILP planning policy: snapshot in, `Plan` out.

`plan_milp` plans one snapshot cold: it builds the model (`optimizer.model`)
and solves it under the wall-clock guard. The replanning loop keeps a
`optimizer.warm.WarmPlanner` instead, which updates the built model between
replans; both give the same plan for the same snapshot. The static baseline
is this function over a window covering every day of the run.
"""

from __future__ import annotations

from collections.abc import Sequence

from optimizer.costs import CostModel
from optimizer.warm import WarmPlanner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


def plan_milp(
    snapshot: NetworkSnapshot,
    settings: PlanningSettings,
    *,
    plan_id: str,
    policy: str = "milp",
    causes: Sequence[str] = (),
    costs: CostModel | None = None,
    previous: Plan | None = None,
) -> Plan:
    """Plan production, replenishment and deliveries for the snapshot's window, cold.

    Never raises for an infeasible network or a time limit: demand that cannot
    be served becomes priced shortages with their reasons; a search that finds
    no solution within the budget returns `previous` marked `STALE` (an
    `ERROR` plan with no decisions when there is none).

    Args:
        snapshot: the frozen offers and demand.
        settings: solver limits, transfer days, vehicle departure hour, frozen hours.
        plan_id: id of the new plan (also the stem of its order ids).
        policy: the name recorded on the plan.
        causes: alert ids that triggered it; defaults to the snapshot's causes.
        costs: prices of machine hours, setups, freight and moved assignments.
        previous: the plan in force; the new one keeps its work where it can.
    """
    return WarmPlanner(costs=costs).plan(
        snapshot, settings, plan_id=plan_id, policy=policy, causes=causes, previous=previous
    )
