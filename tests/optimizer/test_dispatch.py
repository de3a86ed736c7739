"""Dispatch: every asset gets exactly one command, deterministic ids, transfers to both ends."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from optimizer.dispatch import commands_for
from optimizer.milp import plan_milp
from supplysync.commands import ProduceOrder, RouteOrder, SupplyOrder, TransferOrder
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanStatus, Transfer
from tests.optimizer.conftest import SETTINGS, START


def _assets(net: Network) -> set[str]:
    return set(net.asset_kinds())


def test_every_asset_gets_one_command(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_milp(demo_snapshot, SETTINGS, plan_id="P1")
    net = demo_snapshot.network
    commands = commands_for(plan, net, START)
    assert Counter(c.asset_id for c in commands) == Counter(_assets(net))
    kinds = net.asset_kinds()
    assert all(c.asset_kind == kinds[c.asset_id] for c in commands)
    runs = sum(len(c.body.runs) for c in commands if isinstance(c.body, ProduceOrder))
    assert runs == len(plan.production)
    orders = sum(len(c.body.orders) for c in commands if isinstance(c.body, SupplyOrder))
    assert orders == len(plan.purchases)
    routes = sum(len(c.body.routes) for c in commands if isinstance(c.body, RouteOrder))
    assert routes == len(plan.routes)


def test_command_ids_are_deterministic(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_milp(demo_snapshot, SETTINGS, plan_id="P1")
    first = commands_for(plan, demo_snapshot.network, START)
    again = commands_for(plan, demo_snapshot.network, START + timedelta(minutes=5))
    assert [c.command_id for c in first] == [c.command_id for c in again]
    assert len({c.command_id for c in first}) == len(first)


def test_an_empty_plan_still_replaces_every_schedule(demo_snapshot: NetworkSnapshot) -> None:
    plan = Plan(
        plan_id="E",
        policy="milp",
        created_at=START,
        window=demo_snapshot.window,
        status=PlanStatus.ERROR,
    )
    commands = commands_for(plan, demo_snapshot.network, START)
    assert {c.asset_id for c in commands} == _assets(demo_snapshot.network)
    for c in commands:
        body = c.body
        if isinstance(body, ProduceOrder):
            assert body.runs == [] and body.maintenance == []
        elif isinstance(body, SupplyOrder):
            assert body.orders == []
        elif isinstance(body, TransferOrder):
            assert body.transfers == []
        else:
            assert body.routes == []


def test_a_transfer_goes_to_origin_and_destination(demo_snapshot: NetworkSnapshot) -> None:
    move = Transfer(
        transfer_id="T1",
        origin_id="W-DUI",
        destination_id="W-CGN",
        product_id="PUMP",
        quantity=5,
        ship_period=0,
        arrival_period=1,
    )
    plan = Plan(
        plan_id="T",
        policy="milp",
        created_at=START,
        window=demo_snapshot.window,
        status=PlanStatus.OPTIMAL,
        transfers=[move],
    )
    got = {
        c.asset_id: c.body.transfers
        for c in commands_for(plan, demo_snapshot.network, START)
        if isinstance(c.body, TransferOrder)
    }
    assert got == {"W-DUI": [move], "W-CGN": [move], "W-EHV": []}
