"""Policies: the MILP's failures are covered by the rule's plan, its stale plans are not."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from policies.policy import WithFallback
from replan import Planner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMaking, PlanMode, PlanStatus
from supplysync.scenario import PlanningSettings, Scenario
from tests.optimizer.conftest import snapshot_of


def failing(status: PlanStatus) -> Planner:
    """A planner that finds nothing, as a MILP out of time does."""

    def planner(
        snapshot: NetworkSnapshot,
        s: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        return Plan(
            plan_id=plan_id,
            policy="milp",
            created_at=snapshot.taken_at,
            window=snapshot.window,
            status=status,
            notes=["no plan: no solution: maxTimeLimit"],
            how=PlanMaking(
                mode=PlanMode.KEPT if status is PlanStatus.STALE else PlanMode.NONE,
                time_limited=True,
                reason="no solution: maxTimeLimit",
            ),
        )

    return planner


def in_force(snapshot: NetworkSnapshot, status: PlanStatus) -> Plan:
    return Plan(
        plan_id="milp-0001",
        policy="milp",
        created_at=snapshot.taken_at,
        window=snapshot.window,
        status=status,
    )


@pytest.mark.parametrize(
    ("status", "previous", "falls_back"),
    [
        (PlanStatus.ERROR, None, True),  # nothing found, nothing in force
        (PlanStatus.ERROR, PlanStatus.OPTIMAL, True),  # an error is never sent
        (PlanStatus.STALE, None, True),  # stale, but nothing of its own in force
        (PlanStatus.STALE, PlanStatus.HEURISTIC, True),  # the rule's plan in force: a fresh one
        (PlanStatus.STALE, PlanStatus.OPTIMAL, False),  # its own plan stays in force
        (PlanStatus.STALE, PlanStatus.TIME_LIMIT, False),
    ],
)
def test_the_rule_covers_a_planner_with_nothing_to_send(
    demo_scenario: Scenario, status: PlanStatus, previous: PlanStatus | None, falls_back: bool
) -> None:
    snapshot = snapshot_of(demo_scenario.network, 3)
    planner = WithFallback(failing(status))
    before = None if previous is None else in_force(snapshot, previous)
    plan = planner(snapshot, demo_scenario.planning, "milp-0002", ["tick"], before)
    if not falls_back:
        assert plan.status is status
        return
    assert plan.status is PlanStatus.HEURISTIC
    assert plan.policy == "milp" and plan.plan_id == "milp-0002"
    assert plan.deliveries, "the rule's plan serves the demand"
    assert plan.how == PlanMaking(
        mode=PlanMode.FALLBACK, time_limited=True, reason="no solution: maxTimeLimit"
    )
    assert plan.notes[0] == "no plan: no solution: maxTimeLimit"  # the MILP's, for people
