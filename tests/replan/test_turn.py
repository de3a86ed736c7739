"""The replanning turn's invariants, over drawn refusals and drawn sequences of turns.

Every command goes out under the plan that made it; an asset that refuses
is withdrawn and planned around; an asset that still refuses gets nothing
sent; what is committed is what is dispatched; plan ids run on without a
gap and each plan is diffed against the one before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from replan import TurnInputs, TurnState, restore, turn
from supplysync.commands import ProduceOrder, RouteOrder, SupplyOrder
from supplysync.events import Alert, AlertKind, Severity
from tests.replan.conftest import Refusing, World, rule


def _ids(world: World) -> list[str]:
    return list(world.settings.network.asset_kinds())


@st.composite
def refusals(draw: st.DrawFn, ids: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Assets that refuse the first review, and those among them that refuse every review."""
    first = draw(st.frozensets(st.sampled_from(ids), max_size=4))
    stubborn = draw(st.frozensets(st.sampled_from(sorted(first)), max_size=2)) if first else first
    return first, stubborn


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_every_command_is_its_plans_and_no_refusing_asset_gets_one(
    world: World, data: st.DataObject
) -> None:
    first, stubborn = data.draw(refusals(_ids(world)))
    agents = Refusing(world.agents, first, stubborn)
    state = TurnState.starting(world.settings)
    state, dispatch = turn(state, TurnInputs(world.start, orders=world.orders), rule, agents)

    assert dispatch is not None  # the first tick is at the origin
    plan = dispatch.plan
    assert plan.plan_id == "prop-0001" and state.plans == (plan,)
    assert all(c.plan_id == plan.plan_id for c in dispatch.commands)
    assert agents.committed == dispatch.commands
    sent = {c.asset_id for c in dispatch.commands}
    assert not sent & stubborn
    assert sent == set(_ids(world)) - stubborn  # every other asset: one command, empty or not
    assert len(sent) == len(dispatch.commands)
    assert agents.reviews == (2 if first else 1)
    assert state.stats.rejections == len(first)
    if plan.how is not None and first:
        assert plan.how.withdrawn == sorted(first)
    noted = [n for n in plan.notes if n.endswith(" rejected: under test")]
    assert sorted(noted) == sorted(f"{a} rejected: under test" for a in first)
    # The withdrawn are planned around: nothing to produce, buy or drive.
    for command in dispatch.commands:
        if command.asset_id not in first:
            continue
        body = command.body
        if isinstance(body, ProduceOrder):
            assert not body.runs
        elif isinstance(body, SupplyOrder):
            assert not body.orders
        elif isinstance(body, RouteOrder):
            assert not body.routes
    # What a what-if starts from is what the agents offered, withdrawals and all.
    assert dispatch.snapshot is not None
    offered = {v.vehicle_id for v in dispatch.snapshot.vehicles}
    assert offered == {v.id for v in world.settings.network.vehicles}


@st.composite
def turns(draw: st.DrawFn) -> list[tuple[float, bool, bool]]:
    """Turns after the first: (hours after the last, an alert, an operator's request)."""
    return draw(
        st.lists(
            st.tuples(
                st.floats(min_value=0.0, max_value=30.0, allow_nan=False),
                st.booleans(),
                st.booleans(),
            ),
            max_size=4,
        )
    )


@settings(max_examples=10, deadline=None)
@given(steps=turns())
def test_plans_run_on_and_each_is_traced_and_diffed(
    world: World, steps: list[tuple[float, bool, bool]]
) -> None:
    agents = Refusing(world.agents)
    state = TurnState.starting(world.settings)
    state, dispatch = turn(state, TurnInputs(world.start, orders=world.orders), rule, agents)
    assert dispatch is not None
    now = world.start
    for n, (hours, alerting, asking) in enumerate(steps):
        now += timedelta(hours=hours)
        alerts = [_alert(f"a{n}", now)] if alerting else []
        requests = [f"op-{n}"] if asking else []
        before = state
        state, dispatch = turn(
            state, TurnInputs(now, alerts=alerts, requests=requests), rule, agents
        )
        assert state.stats.alerts_seen == before.stats.alerts_seen + len(alerts)
        if dispatch is None:
            assert not requests  # a request replans at once
            assert state.plans == before.plans
            continue
        assert state.plans == (*before.plans, dispatch.plan)
        assert set(requests) <= set(dispatch.plan.causes)
        assert all(c.plan_id == dispatch.plan.plan_id for c in dispatch.commands)
        assert dispatch.plan.diff is not None
        assert dispatch.plan.diff.previous_plan_id == before.plans[-1].plan_id
    assert [p.plan_id for p in state.plans] == [
        f"prop-{k:04d}" for k in range(1, len(state.plans) + 1)
    ]
    assert state.stats.replans == len(state.plans) == len(state.stats.latencies_s)
    assert agents.committed == [
        c for p in state.plans for c in agents.committed if c.plan_id == p.plan_id
    ]


def test_a_policy_that_does_not_replan_plans_once(world: World) -> None:
    state = TurnState.starting(replace(world.settings, replans=False))
    agents = Refusing(world.agents)
    state, first = turn(state, TurnInputs(world.start, orders=world.orders), rule, agents)
    assert first is not None
    later = world.start + timedelta(days=1)
    alert = _alert("late", later)
    state, again = turn(state, TurnInputs(later, alerts=[alert], requests=["op"]), rule, agents)
    assert again is None and len(state.plans) == 1


def test_a_restored_state_numbers_on_and_replans_at_once(world: World) -> None:
    agents = Refusing(world.agents)
    made, first = turn(
        TurnState.starting(world.settings),
        TurnInputs(world.start, orders=world.orders),
        rule,
        agents,
    )
    assert first is not None
    fresh = restore(
        TurnState.starting(world.settings), made.plans, first.commands, orders=world.orders
    )
    assert fresh.routes == made.routes
    later = world.start + timedelta(hours=1)
    assert turn(made, TurnInputs(later), rule, agents)[1] is None  # no tick due yet
    _, again = turn(fresh, TurnInputs(later), rule, agents)  # a restart replans at once
    assert again is not None and again.plan.plan_id == "prop-0002"
    assert again.plan.diff is not None and again.plan.diff.previous_plan_id == "prop-0001"


def test_a_quiet_turn_forgets_the_orders_lost_by_its_time(world: World) -> None:
    # The book expires on the turn's clock, news or not. An actor used to be
    # told only of turns with news, so a quiet midnight planned for orders
    # their customers had dropped at that instant.
    agents = Refusing(world.agents)
    state = TurnState.starting(world.settings)
    state, _ = turn(state, TurnInputs(world.start, orders=world.orders), rule, agents)
    order = min(world.orders, key=lambda o: o.due)
    lost = order.due + timedelta(days=2)  # the book's (and the simulator's) grace

    def planned(now: datetime) -> set[str | None]:
        nonlocal state
        state, dispatch = turn(state, TurnInputs(now, requests=[f"op-{now}"]), rule, agents)
        assert dispatch is not None and dispatch.snapshot is not None
        return {line.order_id for line in dispatch.snapshot.demand}

    assert order.order_id in planned(lost - timedelta(minutes=15))
    assert order.order_id not in planned(lost)


def _alert(name: str, at: datetime) -> Alert:
    return Alert(
        alert_id=f"M-DUI-1:{name}",
        asset_id="M-DUI-1",
        asset_kind="machine",
        kind=AlertKind.PREDICTED_FAILURE,
        severity=Severity.WARNING,
        ts=at,
        message="test",
    )
