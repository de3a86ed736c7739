"""Planning policies the coordinator can run, side by side in the demo.

- `milp`: the replanning loop: the MILP on a rolling horizon, triggered by
  significant alerts (debounced) and a periodic tick; each coordinator gets
  its own `WarmPlanner`, so a replan after a small event updates the built
  model, and the plan in force is passed on for stability.
- `static`: the MILP once at the start over the whole run, never revised.
- `reorder_point`: a reorder-point rule with no optimizer, reviewed on the
  tick and whenever a warehouse reports stock below its reorder point.
- `hindsight`: the MILP told everything the simulated run will do (every
  order, every disruption: `cluster.hindsight`), over the whole remaining
  run, replanned when `milp` replans. The yardstick for regret in
  `supplysync evaluate`; a bound in spirit, not a proof. It exists only for
  a simulated run: `run_policy` binds it to its scenario (`for_run`), and
  unbound it refuses to plan, so live mode can never run it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from adapters.simulator.oracle import Oracle
from cluster.hindsight import HindsightPlanner
from optimizer import plan_milp, plan_reorder_point
from optimizer.warm import WarmPlanner
from supplysync.events import AlertKind
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanStatus
from supplysync.scenario import PlanningSettings, Scenario

Planner = Callable[[NetworkSnapshot, PlanningSettings, str, Sequence[str], Plan | None], Plan]
"""snapshot, settings, plan id, causes, the plan in force → the new plan."""


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
        return rule.model_copy(
            update={"policy": plan.policy, "notes": [*plan.notes, why, *rule.notes]}
        )


def _milp() -> Planner:
    warm = WarmPlanner()

    def planner(
        snapshot: NetworkSnapshot,
        s: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        return warm.plan(snapshot, s, plan_id=plan_id, causes=causes, previous=previous)

    return planner


def _static(
    snapshot: NetworkSnapshot,
    s: PlanningSettings,
    plan_id: str,
    causes: Sequence[str],
    previous: Plan | None,
) -> Plan:
    # Never revised, so every day's routes must be in this one plan, and it
    # gets the time of the daily replans it stands for.
    periods = snapshot.window.periods
    every_day = s.model_copy(
        update={
            "routed_periods": periods,
            "time_limit_s": s.time_limit_s * max(1.0, periods / s.horizon_periods),
        }
    )
    return plan_milp(snapshot, every_day, plan_id=plan_id, policy="static", causes=causes)


def _reorder(
    snapshot: NetworkSnapshot,
    s: PlanningSettings,
    plan_id: str,
    causes: Sequence[str],
    previous: Plan | None,
) -> Plan:
    return plan_reorder_point(snapshot, s, plan_id=plan_id, causes=causes)


HINDSIGHT = "hindsight"


def _unbound() -> Planner:
    raise RuntimeError(
        "the hindsight policy plans with what a simulated run will do: only research mode "
        "(cluster.research.run_policy) can bind it to its run"
    )


def _hindsight_for(scenario: Scenario) -> Policy:
    """The hindsight policy bound to the run of `scenario` (its seed included).

    It replans when `milp` does (significant alerts, debounced, and the
    daily tick), so that what separates the two is what they know and how
    far they plan, not how often. An alert tells it nothing of the future,
    but the replan it triggers sees the present as it is then, not as it
    was at midnight: a reefer its agent trusts again, a trip running late.
    """
    oracle = Oracle(scenario)
    return Policy(HINDSIGHT, lambda: WithFallback(HindsightPlanner(oracle)), whole_run=True)


POLICIES: dict[str, Policy] = {
    "static": Policy("static", lambda: WithFallback(_static), replans=False, whole_run=True),
    "reorder_point": Policy(
        "reorder_point",
        lambda: _reorder,
        trigger_kinds=frozenset({AlertKind.BELOW_REORDER_POINT}),
    ),
    "milp": Policy("milp", lambda: WithFallback(_milp())),
    HINDSIGHT: Policy(HINDSIGHT, _unbound, whole_run=True, for_run=_hindsight_for),
}
