"""A planned route says when it leaves its depot, so a dispatcher reads clock times end to end."""

from __future__ import annotations

from datetime import timedelta

from optimizer.warm import WarmPlanner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from tests.optimizer.test_warm import QUICK


def _leaves_before_it_arrives(plan: Plan) -> None:
    for r in plan.routes:
        assert r.departs_h is not None, r.vehicle_id
        assert r.stops
        assert r.departs_h <= r.stops[0].arrive_h
        # the tour is back after its last stop: departure + duration covers every visit
        assert r.departs_h + r.duration_h >= r.stops[-1].depart_h - 1e-3


def test_routes_planned_before_the_departure_hour_leave_at_it(
    demo_snapshot: NetworkSnapshot,
) -> None:
    plan = WarmPlanner().plan(demo_snapshot, QUICK, plan_id="p0")
    assert plan.status.is_ok and plan.routes
    _leaves_before_it_arrives(plan)
    assert {r.departs_h for r in plan.routes} == {QUICK.departure_hour}


def test_routes_planned_after_the_departure_hour_leave_from_now(
    demo_snapshot: NetworkSnapshot,
) -> None:
    warm = WarmPlanner()
    first = warm.plan(demo_snapshot, QUICK, plan_id="p0")
    hours = QUICK.departure_hour + 1.5
    later = demo_snapshot.model_copy(
        update={"taken_at": demo_snapshot.window.start + timedelta(hours=hours)}
    )
    again = warm.plan(later, QUICK, plan_id="p1", previous=first)
    today = [r for r in again.routes if r.period == 0 and not r.frozen]
    assert today
    _leaves_before_it_arrives(again)
    assert {r.departs_h for r in today} == {hours}
    assert {r.departs_h for r in again.routes if r.period > 0} == {QUICK.departure_hour}
