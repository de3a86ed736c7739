"""A warm re-solve gives what a cold build gives on the same snapshot; a new shape rebuilds."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from benchmarks.networks import EVENT_KINDS, apply_event
from optimizer.model import PlanHeader
from optimizer.route_audit import audit_routes
from optimizer.session import Session
from optimizer.warm import WarmPlanner, _stale
from supplysync.offers import NetworkSnapshot, ProductionRun
from supplysync.plan import Plan, PlanDiff, PlanMaking, PlanMode, PlanStatus
from supplysync.planning import PlanningWindow
from tests.optimizer.conftest import SETTINGS

FULL = SETTINGS.model_copy(update={"repair": False})
"""Full re-solves: a repair (see test_repair.py) is a heuristic, a cold build is not."""
QUICK = FULL.model_copy(update={"mip_gap": 0.05})
"""Full re-solves whose dive is within the gap on the demo, so no MIP runs (about 3 s each)."""


def test_warm_updates_match_cold_builds_on_the_same_candidate_routes(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """After each kind of update the warm model's LP relaxation is the cold build's.

    The relaxation's optimum is unique whichever basis it starts from (two
    MIPs at gap 0 would agree too, at about 3 s each on the demo), and every
    parameter an update rewrites (demand, capacities, lead times, costs)
    moves it.
    """
    settings = QUICK

    def bound(plan: Plan) -> float:
        assert plan.status is PlanStatus.OPTIMAL and plan.objective is not None
        how = plan.how
        assert how is not None and how.mode is PlanMode.FULL and how.rounded
        assert how.bound is not None and plan.mip_gap == how.gap
        return how.bound

    warm = WarmPlanner()
    previous = warm.plan(demo_snapshot, settings, plan_id="p0")
    bounds = [bound(previous)]
    rng = random.Random(3)
    snap = demo_snapshot
    for i, kind in enumerate(EVENT_KINDS):
        snap, _ = apply_event(snap, kind, rng)
        hot = warm.plan(snap, settings, plan_id=f"p{i + 1}", previous=previous)
        kept = warm.candidates
        assert kept is not None
        cold = WarmPlanner(route_candidates=lambda _, c=kept: c).plan(  # type: ignore[misc]
            snap, settings, plan_id=f"p{i + 1}", previous=previous
        )
        assert bound(hot) == pytest.approx(bound(cold), rel=1e-9)
        assert hot.how is not None and hot.how.rebuilt is False  # a warm re-solve
        assert cold.how is not None and cold.how.rebuilt is True
        bounds.append(bound(hot))
        previous = hot
    assert (warm.rebuilds, warm.updates) == (1, len(EVENT_KINDS))
    assert len(set(bounds)) == len(bounds)  # every event moved the relaxation


def test_a_new_shape_rebuilds(demo_snapshot: NetworkSnapshot) -> None:
    warm = WarmPlanner()
    warm.plan(demo_snapshot, QUICK, plan_id="p0")
    window = demo_snapshot.window.model_copy(
        update={"start": demo_snapshot.window.start + timedelta(days=1)}
    )
    later = demo_snapshot.model_copy(update={"window": window, "taken_at": window.start})
    fewer = demo_snapshot.model_copy(update={"demand": demo_snapshot.demand[1:]})
    for snap in (later, fewer):
        assert warm.plan(snap, QUICK, plan_id="p1").status.is_ok
    assert (warm.rebuilds, warm.updates) == (3, 0)


def test_a_full_resolve_dives_from_the_last_basis(
    demo_snapshot: NetworkSnapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relaxation of a warm model starts hot (a cold one alone is 3.5 s on the L network)."""
    warm = WarmPlanner()
    first = warm.plan(demo_snapshot, QUICK, plan_id="p0")
    bases: list[Any] = []

    lp = Session.lp

    def spy(session: Session, relaxed: Any, seconds: float, basis: Any) -> Any:
        bases.append(basis)
        return lp(session, relaxed, seconds, basis)

    monkeypatch.setattr(Session, "lp", spy)
    again = warm.plan(demo_snapshot, QUICK, plan_id="p1", previous=first)
    assert again.status.is_ok and warm.updates == 1
    assert bases and bases[0] is not None


def test_a_warm_replan_after_the_departure_hour_times_its_routes_from_now(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """A model built before the vehicles' departure, updated after it, leaves from now.

    The candidate routes were timed at the build; reading the chosen ones
    with the build's departure claimed arrivals an hour before any vehicle
    could make them.
    """
    warm = WarmPlanner()
    first = warm.plan(demo_snapshot, QUICK, plan_id="p0")
    now = demo_snapshot.window.start + timedelta(hours=QUICK.departure_hour + 1.5)
    later = demo_snapshot.model_copy(update={"taken_at": now})
    again = warm.plan(later, QUICK, plan_id="p1", previous=first)
    assert warm.updates == 1 and again.status.is_ok
    today = [r for r in again.routes if r.period == 0 and not r.frozen]
    assert today
    assert audit_routes(again, later, QUICK) == []


def test_a_stale_plan_is_the_plan_in_force_under_the_new_header() -> None:
    """Every field the stale plan does not restamp is the previous plan's, so a field
    added to `Plan` later is kept too, or this fails."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    window = PlanningWindow(start=start, period_hours=24, periods=3)
    run = ProductionRun(machine_id="M-1", product_id="PUMP", period=0, quantity=30, hours=10)
    previous = Plan(
        plan_id="plan-1",
        policy="milp",
        created_at=start,
        window=window,
        status=PlanStatus.OPTIMAL,
        objective=1234.5,
        mip_gap=0.004,
        build_seconds=1.5,
        solve_seconds=2.5,
        production=[run],
        causes=["a-1"],
        notes=["first plan"],
        diff=PlanDiff(previous_plan_id=None),
        how=PlanMaking(mode=PlanMode.FULL),
    )
    header = PlanHeader(
        plan_id="plan-2",
        policy="milp",
        created_at=start + timedelta(hours=2),
        window=window,
        build_seconds=0.25,
        causes=("a-2",),
    )
    stale = _stale(previous, header, "the solver gave up", 3.0, timed_out=True)
    restamped = {
        "plan_id": "plan-2",
        "created_at": header.created_at,
        "causes": ["a-2"],
        "status": PlanStatus.STALE,
        "build_seconds": 0.25,
        "solve_seconds": 3.0,
        "notes": ["first plan", "stale: the solver gave up; plan-1 stays in force"],
        "diff": None,
        "how": PlanMaking(
            mode=PlanMode.KEPT,
            time_limited=True,
            kept_plan_id="plan-1",
            reason="the solver gave up",
        ),
    }
    assert {name: getattr(stale, name) for name in restamped} == restamped
    kept = set(Plan.model_fields) - set(restamped)
    assert {n: getattr(stale, n) for n in kept} == {n: getattr(previous, n) for n in kept}
