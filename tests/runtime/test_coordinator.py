"""The replanning loop on in-process agents: when it plans, what it sends, rejections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from adapters.simulator import Simulator
from policies.plugins import load_policy
from replan import Dispatch, TurnInputs
from runtime.coordinator import Coordinator
from runtime.directory import InlineDirectory
from supplysync.commands import AssignmentResponse, Command
from supplysync.events import Alert, AlertKind, Severity
from supplysync.orders import CustomerOrder


class RejectingDirectory(InlineDirectory):
    """Real in-process agents, but one asset rejects its first assignment (a seam fake)."""

    rejecter = "M-DUI-1"
    rejected = 0

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        answers = super().review(commands)
        if self.rejected:
            return answers
        self.rejected += 1
        return [
            a.model_copy(update={"accepted": False, "reason": "spindle under repair"})
            if a.asset_id == self.rejecter
            else a
            for a in answers
        ]


class Loop:
    """A coordinator whose first step also takes the orders placed at the start."""

    def __init__(self, coordinator: Coordinator, orders: Sequence[CustomerOrder]) -> None:
        self.coordinator = coordinator
        self._orders = list(orders)

    def step(
        self, now: datetime, alerts: Sequence[Alert] = (), requests: Sequence[str] = ()
    ) -> Dispatch | None:
        orders, self._orders = self._orders, []
        news = TurnInputs(now, alerts=alerts, orders=orders, requests=requests)
        return self.coordinator.step(news)


def _loop(scenario: Any, policy: str, directory: InlineDirectory | None = None) -> Loop:
    sim = Simulator(scenario)
    directory = directory or InlineDirectory.start(scenario.network)
    loop = Coordinator(
        network=scenario.network,
        planning=scenario.planning,
        directory=directory,
        policy=load_policy(policy),
        origin=sim.now,
        run_end=sim.end,
    )
    return Loop(loop, sim.advance(sim.now).orders)


def _alert(scenario: Any, at_h: float, kind: AlertKind = AlertKind.PREDICTED_FAILURE) -> Alert:
    return Alert(
        alert_id=f"M-DUI-1:{kind}:{at_h}",
        asset_id="M-DUI-1",
        asset_kind="machine",
        kind=kind,
        severity=Severity.WARNING,
        ts=scenario.simulation.start + timedelta(hours=at_h),
        message="test",
    )


def test_first_step_plans_and_sends_every_asset_a_command(demo_scenario: Any) -> None:
    loop = _loop(demo_scenario, "milp")
    dispatch = loop.step(demo_scenario.simulation.start)
    assert dispatch is not None
    assert {c.asset_id for c in dispatch.commands} == set(demo_scenario.network.asset_kinds())
    assert dispatch.plan.deliveries and dispatch.plan.routes
    assert all(r.accepted for r in dispatch.responses)


def test_significant_alert_replans_once_after_the_debounce(demo_scenario: Any) -> None:
    start = demo_scenario.simulation.start
    loop = _loop(demo_scenario, "milp")
    loop.step(start)
    alert = _alert(demo_scenario, 1.0)
    assert loop.step(alert.ts, [alert]) is None
    assert loop.step(start + timedelta(hours=1.5)) is None  # debounce is 60 min
    dispatch = loop.step(start + timedelta(hours=2.0))
    assert dispatch is not None and dispatch.plan.causes == [alert.alert_id]
    assert dispatch.snapshot is not None
    assert dispatch.snapshot.causes == [alert]  # what the policy saw: the alert itself
    assert dispatch.plan.diff is not None
    assert dispatch.plan.diff.previous_plan_id == loop.coordinator.plans[0].plan_id
    assert loop.step(start + timedelta(hours=3)) is None


def test_harsh_driving_alone_does_not_replan(demo_scenario: Any) -> None:
    start = demo_scenario.simulation.start
    loop = _loop(demo_scenario, "milp")
    loop.step(start)
    assert loop.step(start, [_alert(demo_scenario, 1.0, AlertKind.HARSH_DRIVING)]) is None
    assert loop.step(start + timedelta(hours=5)) is None
    dispatch = loop.step(start + timedelta(hours=6), requests=["op-1"])
    assert dispatch is not None and dispatch.plan.causes == ["op-1"]
    assert dispatch.snapshot is not None and dispatch.snapshot.causes == []


def test_static_plans_once_over_the_whole_run(demo_scenario: Any) -> None:
    start = demo_scenario.simulation.start
    loop = _loop(demo_scenario, "static")
    first = loop.step(start)
    assert first is not None and first.plan.window.periods == demo_scenario.simulation.days
    assert loop.step(start, [_alert(demo_scenario, 1.0)]) is None
    assert loop.step(start + timedelta(days=1)) is None
    assert loop.coordinator.stats.replans == 1


def test_a_rejection_withdraws_the_offer_and_plans_again(demo_scenario: Any) -> None:
    directory = RejectingDirectory.start(demo_scenario.network)
    loop = _loop(demo_scenario, "milp", directory)
    dispatch = loop.step(demo_scenario.simulation.start)
    assert dispatch is not None
    assert any("M-DUI-1 rejected: spindle under repair" in n for n in dispatch.plan.notes)
    assert dispatch.plan.how is not None and dispatch.plan.how.withdrawn == ["M-DUI-1"]
    assert not [r for r in dispatch.plan.production if r.machine_id == "M-DUI-1"]
    assert loop.coordinator.stats.rejections == 1
    # Other machines pick up the work the withdrawn machine would have done.
    assert sum(r.quantity for r in dispatch.plan.production) > 0


@pytest.mark.parametrize("policy", ["reorder_point", "milp"])
def test_daily_tick_replans(demo_scenario: Any, policy: str) -> None:
    start = demo_scenario.simulation.start
    loop = _loop(demo_scenario, policy)
    loop.step(start)
    assert loop.step(start + timedelta(hours=23)) is None
    dispatch = loop.step(start + timedelta(hours=24))
    assert dispatch is not None and dispatch.plan.window.start == start + timedelta(days=1)


def test_orders_on_a_vehicle_out_stay_out_of_later_replans(demo_scenario: Any) -> None:
    """A second replan while a vehicle is out must not plan its cargo again.

    The vehicle's command after the first mid-trip replan holds no route for
    today (its trip is frozen, never re-sent); the loop must still remember
    what it carries, or the next plan sends those orders on another truck.
    """
    sim = Simulator(scenario := demo_scenario)
    directory = InlineDirectory.start(scenario.network)
    loop = Coordinator(
        network=scenario.network,
        planning=scenario.planning,
        directory=directory,
        policy=load_policy("milp"),
        origin=sim.now,
        run_end=sim.end,
    )
    step = timedelta(minutes=scenario.simulation.step_minutes)

    def run_until(hours: float) -> None:
        while sim.now < scenario.simulation.start + timedelta(hours=hours):
            frame = sim.advance(sim.now + step)
            directory.ingest(frame.readings, sim.now)
            news = TurnInputs(sim.now, orders=frame.orders, deliveries=frame.deliveries)
            assert loop.step(news) is None  # no alerts: the next plan is at the request

    frame = sim.advance(sim.now)
    first = loop.step(TurnInputs(sim.now, orders=frame.orders))
    assert first is not None
    sim.execute(first.commands)
    carried = {
        r.vehicle_id: {o for stop in r.stops for o in stop.order_ids}
        for r in first.plan.routes
        if r.period == 0
    }
    snapshot = None
    for n, hours in enumerate((8.0, 9.0)):
        run_until(hours)
        dispatch = loop.step(TurnInputs(sim.now, requests=[f"op-{n}"]))
        assert dispatch is not None
        sim.execute(dispatch.commands)
        snapshot = dispatch.snapshot
    assert snapshot is not None
    out = {v.vehicle_id for v in snapshot.vehicles if not v.available}
    on_board = set().union(*(carried.get(v, set()) for v in out))
    assert on_board, "no vehicle was out with orders at 09:00"
    planned = {line.order_id for line in snapshot.demand}
    assert not on_board & planned


def test_a_restored_loop_goes_on_from_the_plans_routes_and_orders_of_the_store(
    demo_scenario: Any,
) -> None:
    """What a restarted coordinator actor rebuilds from the store (cluster.coordinator_actor)."""
    start = demo_scenario.simulation.start
    directory = InlineDirectory.start(demo_scenario.network)
    loop = _loop(demo_scenario, "milp", directory)
    made = loop.step(start)
    first = loop.coordinator
    assert made is not None
    orders = Simulator(demo_scenario).advance(start).orders  # the ones `_loop` observed
    restarted = Coordinator(
        network=demo_scenario.network,
        planning=demo_scenario.planning,
        directory=directory,
        policy=load_policy("milp"),
        origin=start,
        run_end=start + timedelta(days=demo_scenario.simulation.days),
    )
    restarted.restore(first.plans, made.commands, orders)
    later = start + timedelta(hours=1)
    assert restarted.snapshot(later) == first.snapshot(later)  # demand, routes on board
    again = restarted.step(TurnInputs(later))  # no tick due for `first`: the restart replans
    assert first.step(TurnInputs(later)) is None
    assert again is not None and again.plan.plan_id == "milp-0002"
    assert again.plan.diff is not None and again.plan.diff.previous_plan_id == "milp-0001"
