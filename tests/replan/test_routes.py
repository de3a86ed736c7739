"""Orders on board and withdrawn offers: the negotiation's pure parts, over drawn subsets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replan import Dispatch, TurnInputs, TurnState, turn
from replan.negotiate import withdraw
from replan.routes import on_board, remember
from supplysync.commands import Command, RouteOrder
from tests.replan.conftest import Refusing, World, rule


@pytest.fixture(scope="module")
def first(world: World) -> Iterator[Dispatch]:
    state = TurnState.starting(world.settings)
    _, dispatch = turn(
        state, TurnInputs(world.start, orders=world.orders), rule, Refusing(world.agents)
    )
    assert dispatch is not None and dispatch.snapshot is not None
    yield dispatch


def _carried(commands: list[Command], vehicles: set[str]) -> set[str]:
    """Order ids on the period-0 routes of `vehicles`' commands."""
    return {
        order_id
        for c in commands
        if c.asset_id in vehicles and isinstance(c.body, RouteOrder)
        for r in c.body.routes
        if r.period == 0
        for stop in r.stops
        for order_id in stop.order_ids
    }


def _trips_only(commands: list[Command]) -> list[Command]:
    """The commands a mid-trip replan sends: no route for the period under way."""
    return [
        c.model_copy(update={"body": RouteOrder(routes=[r for r in c.body.routes if r.period > 0])})
        if isinstance(c.body, RouteOrder)
        else c
        for c in commands
    ]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_orders_on_a_vehicle_out_are_those_its_routes_carry_today(
    first: Dispatch, data: st.DataObject
) -> None:
    snapshot = first.snapshot
    assert snapshot is not None
    ids = sorted(v.vehicle_id for v in snapshot.vehicles)
    out = data.draw(st.sets(st.sampled_from(ids)))
    vehicles = [
        v.model_copy(update={"available": v.vehicle_id not in out}) for v in snapshot.vehicles
    ]
    routes = remember({}, first.commands)
    assert on_board(routes, vehicles, snapshot.window) == _carried(first.commands, out)
    # A later replan while they are out sends no route for today: what they carry stays.
    again = remember(routes, _trips_only(first.commands))
    assert on_board(again, vehicles, snapshot.window) == _carried(first.commands, out)
    # A replan that routes today afresh replaces it.
    assert on_board(remember(again, first.commands), vehicles, snapshot.window) == _carried(
        first.commands, out
    )


def test_the_first_plan_sends_some_vehicle_out_with_orders(first: Dispatch) -> None:
    everyone = {c.asset_id for c in first.commands}
    assert _carried(first.commands, everyone), "the properties above would hold vacuously"


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_withdrawn_offers_give_nothing_and_the_rest_are_untouched(
    first: Dispatch, data: st.DataObject
) -> None:
    snapshot = first.snapshot
    assert snapshot is not None
    gone = data.draw(st.frozensets(st.sampled_from(sorted(snapshot.network.asset_kinds()))))
    left = withdraw(snapshot, gone)
    for m, m_left in zip(snapshot.machines, left.machines, strict=True):
        assert m_left == m if m.machine_id not in gone else not any(m_left.capacity_hours)
    for s, s_left in zip(snapshot.suppliers, left.suppliers, strict=True):
        assert s_left == s if s.supplier_id not in gone else not s_left.quotes
    for w, w_left in zip(snapshot.warehouses, left.warehouses, strict=True):
        assert w_left == w if w.warehouse_id not in gone else w_left.free_units == 0.0
    assert left.vehicles == [v for v in snapshot.vehicles if v.vehicle_id not in gone]
    assert left.demand == snapshot.demand and left.window == snapshot.window
