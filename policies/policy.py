"""How the coordinator holds a planning policy, and the MILP's fallback on the rule.

`Policy` is what `policies.plugins.load_policy` makes of a spec (a built-in
name such as ``milp``, a researcher's class, an entry point): a factory of
planners plus when to replan. The built-in policies themselves are classes
in `policies.builtin`, reached by the same route as a researcher's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer import plan_reorder_point
from replan import Planner
from supplysync.events import AlertKind
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMaking, PlanMode, PlanStatus
from supplysync.scenario import PlanningSettings, Scenario


@dataclass(frozen=True)
class Policy:
    """How and when plans are made.

    Attributes:
        name: shown in KPI tables.
        make_planner: a fresh planner for one coordinator (it may keep state,
            such as a warm model, between that coordinator's replans).
        replans: whether anything after the first plan triggers a new one.
        whole_run: plan once over every remaining day (the static policy).
        trigger_kinds: alert kinds that trigger a replan; None means the
            optimizer's default set of significant kinds.
        for_run: set on a policy that must know its run before it can plan
            (the hindsight policy's oracle). The seam: research mode's
            `run_policy` calls `for_run(scenario)` with the scenario it is
            about to simulate (its seed is `scenario.simulation.seed`, the
            one the simulator draws from) and runs the policy it returns,
            whose planners close over what they were told. Nothing else
            calls it: the coordinator takes the policy it is given, and an
            unbound policy's `make_planner` raises, so live mode, which
            has no simulated run, cannot run one.
    """

    name: str
    make_planner: Callable[[], Planner]
    replans: bool = True
    whole_run: bool = False
    trigger_kinds: frozenset[AlertKind] | None = None
    for_run: Callable[[Scenario], Policy] | None = None


SOLVED = frozenset({PlanStatus.OPTIMAL, PlanStatus.TIME_LIMIT, PlanStatus.FEASIBLE})
"""Statuses of a plan the MILP itself made."""


class WithFallback:
    """A planner covered by the reorder-point rule where it has nothing to send.

    A network whose relaxation alone outlasts the replan's budget gets no
    plan, and a stale one keeps the plan in force: with no plan of the
    MILP's in force, that would send nothing all run and serve no one. So
    when the MILP fails (or is stale with none of its own plans in force)
    the rule's plan for the same snapshot goes out, status heuristic, with
    the MILP's reason in its notes. A stale replan with a MILP plan in force
    keeps that plan, as the loop always has.

    Attributes:
        covered: the planner asked first.
    """

    def __init__(self, covered: Planner) -> None:
        self.covered = covered

    def __call__(
        self,
        snapshot: NetworkSnapshot,
        s: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        plan = self.covered(snapshot, s, plan_id, causes, previous)
        own_in_force = previous is not None and previous.status in SOLVED
        if plan.status is not PlanStatus.ERROR and (
            plan.status is not PlanStatus.STALE or own_in_force
        ):
            return plan
        rule = plan_reorder_point(snapshot, s, plan_id=plan_id, causes=causes)
        why = "the MILP found no plan in time and none of its own is in force: the rule's plan"
        failed = plan.how
        how = PlanMaking(
            mode=PlanMode.FALLBACK,
            time_limited=failed is not None and failed.time_limited,
            reason=failed.reason if failed is not None and failed.reason else plan.status.value,
        )
        return rule.model_copy(
            update={"policy": plan.policy, "notes": [*plan.notes, why, *rule.notes], "how": how}
        )
