"""Planning policies the coordinator can run, side by side in the demo.

- `milp`: the replanning loop: the MILP on a rolling horizon, triggered by
  significant alerts (debounced) and a periodic tick.
- `static`: the MILP once at the start over the whole run, never revised.
- `reorder_point`: a reorder-point rule with no optimizer, reviewed on the
  tick and whenever a warehouse reports stock below its reorder point.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from optimizer import plan_milp, plan_reorder_point
from supplysync.events import AlertKind
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

Planner = Callable[[NetworkSnapshot, PlanningSettings, str, Sequence[str]], Plan]


@dataclass(frozen=True)
class Policy:
    """How and when plans are made.

    Attributes:
        name: shown in KPI tables.
        planner: snapshot → plan.
        replans: whether anything after the first plan triggers a new one.
        whole_run: plan once over every remaining day (the static policy).
        trigger_kinds: alert kinds that trigger a replan; None means the
            optimizer's default set of significant kinds.
    """

    name: str
    planner: Planner
    replans: bool = True
    whole_run: bool = False
    trigger_kinds: frozenset[AlertKind] | None = None


def _milp(
    snapshot: NetworkSnapshot, s: PlanningSettings, plan_id: str, causes: Sequence[str]
) -> Plan:
    return plan_milp(snapshot, s, plan_id=plan_id, causes=causes)


def _static(
    snapshot: NetworkSnapshot, s: PlanningSettings, plan_id: str, causes: Sequence[str]
) -> Plan:
    return plan_milp(snapshot, s, plan_id=plan_id, policy="static", causes=causes)


def _reorder(
    snapshot: NetworkSnapshot, s: PlanningSettings, plan_id: str, causes: Sequence[str]
) -> Plan:
    return plan_reorder_point(snapshot, s, plan_id=plan_id, causes=causes)


POLICIES: dict[str, Policy] = {
    "static": Policy("static", _static, replans=False, whole_run=True),
    "reorder_point": Policy(
        "reorder_point", _reorder, trigger_kinds=frozenset({AlertKind.BELOW_REORDER_POINT})
    ),
    "milp": Policy("milp", _milp),
}
