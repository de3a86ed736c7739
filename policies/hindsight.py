"""The hindsight planner: the project's MILP, told what the run will do.

Each replan takes the agents' snapshot, tells it the future
(`policies.foresight.foresee`, from the run's `Oracle`), and plans the whole
remaining run with the same warm MILP as the `milp` policy. The plan goes
out like any other, so the simulator judges it: what the model abstracts
(vehicle timing, a machine's exact wear, stock that lands after the
trucks leave) is paid for in the KPIs, and the daily replan corrects the
drift.

The model buys at the real lead time (a delayed supplier's terms plus the
delay), and a purchase order promising that day lands on it. The planner
remembers its orders (`Promise`) so that later snapshots show them
arriving when they really will.

It is a bound in spirit, not a proof: the MILP stops at its time limit or
gap, plans a window in daily periods with one lead time per quote and one
cooling state per vehicle, and the simulator's physics can beat or miss
what the model assumed; another policy can end a run cheaper.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.simulator.oracle import Oracle
from optimizer.warm import WarmPlanner
from policies.foresight import Promise, foresee
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanStatus
from supplysync.scenario import PlanningSettings

POLICY = "hindsight"


class HindsightPlanner:
    """Plans one simulated run with its future known (a `policies.policy.Planner`).

    Args:
        oracle: what the run will do; built from the same scenario and seed
            as the run's simulator.
        warm: the MILP planner; one per coordinator, as for `milp`.
    """

    def __init__(self, oracle: Oracle, *, warm: WarmPlanner | None = None) -> None:
        self._oracle = oracle
        self._warm = warm or WarmPlanner()
        self._promises: dict[str, Promise] = {}

    def __call__(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        seen = foresee(
            snapshot, self._oracle, departure_hour=settings.departure_hour, promises=self._promises
        )
        plan = self._warm.plan(
            seen, settings, plan_id=plan_id, policy=POLICY, causes=causes, previous=previous
        )
        if plan.status in (PlanStatus.STALE, PlanStatus.ERROR):
            return plan  # a stale plan is the one in force, already translated
        self._remember(plan)
        return plan

    def _remember(self, plan: Plan) -> None:
        """Remember every order placed, to show later snapshots when it really lands."""
        for po in plan.purchases:
            self._promises[po.po_id] = Promise(
                supplier_id=po.supplier_id,
                product_id=po.product_id,
                destination_id=po.destination_id,
                ship=max(plan.created_at, plan.window.period_start(po.order_period)),
                promised=plan.window.period_start(po.arrival_period),
            )
