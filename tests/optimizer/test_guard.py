"""Outcomes are values: a solve that overruns its budget, and demand beyond all capacity.

The guard is tested through the solve seam: a solve that waits on an event
the test releases only afterwards never returns in time, deterministically.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import NoReturn

import pytest

from optimizer.columns import RouteCandidates, candidates
from optimizer.data import PlanningData
from optimizer.dive import SolveFn
from optimizer.guard import within
from optimizer.milp import plan_milp
from optimizer.warm import WarmPlanner
from supplysync.network import Machine, Vehicle
from supplysync.offers import NetworkSnapshot
from supplysync.plan import PlanMaking, PlanMode, PlanStatus
from tests.optimizer.conftest import (
    SETTINGS,
    line,
    line_network,
    quote,
    snapshot_of,
    supplier,
)

FAST = SETTINGS.model_copy(update={"time_limit_s": 0.2})
QUICK = SETTINGS.model_copy(update={"mip_gap": 0.05})
"""The demo's dive is within this gap: an optimal plan with no MIP to wait for."""


@pytest.fixture
def hung() -> Iterator[SolveFn]:
    release = threading.Event()

    def solve_fn(*_args: object) -> NoReturn:
        release.wait(10)
        raise RuntimeError("released after the test")

    yield solve_fn
    release.set()


def test_overrun_keeps_the_previous_plan_marked_stale(
    demo_snapshot: NetworkSnapshot, hung: SolveFn
) -> None:
    previous = plan_milp(demo_snapshot, SETTINGS, plan_id="p1")
    planner = WarmPlanner(solve_fn=hung)
    plan = planner.plan(demo_snapshot, FAST, plan_id="p2", causes=["a9"], previous=previous)
    assert plan.status is PlanStatus.STALE
    assert plan.plan_id == "p2" and plan.causes == ["a9"]
    assert plan.production == previous.production and plan.routes == previous.routes
    assert plan.how == PlanMaking(
        mode=PlanMode.KEPT,
        time_limited=True,
        kept_plan_id="p1",
        reason="no plan within the time budget",
    )


def test_overrun_does_not_keep_a_plan_made_for_an_earlier_window(
    demo_snapshot: NetworkSnapshot, hung: SolveFn
) -> None:
    """Yesterday's plan numbers its periods from yesterday: kept today, it was a day off.

    An overrun at the first replan of a day kept the previous day's plan;
    the policy adapter refused a plan starting a day early and the
    evaluation run failed (11 of 420 runs of the suite on a loaded host).
    With no plan for this window it is an error plan (the `milp` policy
    then sends the rule's plan).
    """
    earlier = demo_snapshot.window.model_copy(
        update={"start": demo_snapshot.window.start - timedelta(days=1)}
    )
    yesterday = demo_snapshot.model_copy(
        update={"window": earlier, "taken_at": demo_snapshot.taken_at - timedelta(days=1)}
    )
    previous = plan_milp(yesterday, QUICK, plan_id="p1")
    plan = WarmPlanner(solve_fn=hung).plan(demo_snapshot, FAST, plan_id="p2", previous=previous)
    assert plan.window == demo_snapshot.window
    assert plan.status is PlanStatus.ERROR and not plan.production and not plan.routes
    assert plan.how is not None and plan.how.mode is PlanMode.NONE and plan.how.time_limited
    assert "p1" in (plan.how.reason or "")


def test_overrun_without_a_previous_plan_is_an_error_plan(
    demo_snapshot: NetworkSnapshot, hung: SolveFn
) -> None:
    plan = WarmPlanner(solve_fn=hung).plan(demo_snapshot, FAST, plan_id="p1")
    assert plan.status is PlanStatus.ERROR and not plan.production
    assert plan.how is not None and plan.how.mode is PlanMode.NONE
    assert plan.how.time_limited and plan.how.kept_plan_id is None


def test_a_build_past_the_budget_leaves_the_plan_stale_and_the_model_for_next_time(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """The budget covers the build; a build that overruns finishes in the background."""
    previous = plan_milp(demo_snapshot, QUICK, plan_id="p1")
    release = threading.Event()

    def slow_candidates(data: PlanningData) -> RouteCandidates:
        release.wait(10)  # a build that cannot finish within FAST's budget
        return candidates(data)

    planner = WarmPlanner(route_candidates=slow_candidates)
    try:
        plan = planner.plan(demo_snapshot, FAST, plan_id="p2", previous=previous)
    finally:
        release.set()  # even on a failure: the held build would block the next tests' solves
    assert plan.status is PlanStatus.STALE
    assert plan.how is not None and plan.how.mode is PlanMode.KEPT
    assert plan.how.kept_plan_id == "p1" and plan.how.time_limited
    again = planner.plan(demo_snapshot, QUICK, plan_id="p3", previous=previous)
    assert again.status is PlanStatus.OPTIMAL
    assert (planner.rebuilds, planner.updates) == (1, 1)  # the background build was kept


def test_a_solve_waits_for_an_abandoned_one_to_finish() -> None:
    # Overlapping solves would interleave Pyomo's stdout/stderr redirection.
    release, running = threading.Event(), []

    def slow() -> int:
        running.append("slow")
        release.wait(10)
        running.remove("slow")
        return 1

    def quick() -> int:
        assert running == [], "started while the abandoned solve was still running"
        return 2

    assert within(slow, 0.05, cancel=lambda: None, grace_s=0.0) is None
    assert within(quick, 0.05, cancel=lambda: None, grace_s=0.0) is None  # still blocked
    release.set()
    assert within(quick, 5.0, cancel=lambda: None) == 2


def test_guard_cancels_then_gives_up() -> None:
    cancelled = threading.Event()
    assert within(lambda: 7, 1.0, cancel=cancelled.set) == 7
    assert within(lambda: cancelled.wait(5) and 8, 0.01, cancel=cancelled.set, grace_s=2) == 8
    with pytest.raises(ValueError, match="seconds"):
        within(lambda: 0, -1.0, cancel=cancelled.set)


def test_demand_beyond_all_capacity_is_priced_with_its_binding_assets() -> None:
    net = line_network(
        machines=[Machine(id="M", name="m", plant_id="PL", rates={"P": 10.0}, setup_hours=0.0)],
        suppliers=[supplier("S", quote("P", 50.0, 0, 5.0))],
        vehicles=[Vehicle(id="V", name="v", depot_id="W", capacity_units=5000.0)],
    )
    # 16 h x 10/h from the machine and 50 bought on day 0 can leave on day 1:
    # 210 can be had by then, 1000 is asked (day 1's own output leaves too late).
    snap = snapshot_of(net, 2, demand=[line(1000.0, 1)])
    plan = plan_milp(snap, SETTINGS, plan_id="p1")
    assert plan.status.is_ok
    (short,) = plan.shortages
    assert short.quantity == pytest.approx(790.0, abs=1e-3)
    assert {"M", "S"} <= set(short.binding)
    assert "production capacity" in short.reason and "supplier quote limit" in short.reason

    small_fleet = snapshot_of(
        line_network(
            vehicles=[Vehicle(id="V", name="v", depot_id="W", capacity_units=30.0)],
            stock={"P": 500.0},
        ),
        1,
        demand=[line(100.0)],
    )
    plan = plan_milp(small_fleet, SETTINGS, plan_id="p2")
    (short,) = plan.shortages
    assert "fleet" in short.reason and "V" in short.binding
