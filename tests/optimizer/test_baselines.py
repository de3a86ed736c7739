"""Reorder-point baseline: make, move or buy below the reorder point; serve nearest first."""

from __future__ import annotations

import pytest

from optimizer.baselines import plan_reorder_point
from optimizer.routing import METHOD
from supplysync.network import Customer, Location, Network, Plant, Vehicle, Warehouse
from supplysync.offers import Inbound, NetworkSnapshot, ReorderRequest
from supplysync.plan import PlanMaking, PlanMode, PlanStatus
from tests.optimizer.conftest import (
    HOME,
    NEAR,
    SETTINGS,
    line,
    line_network,
    product,
    quote,
    snapshot_of,
    supplier,
)

FAR = Location(lat=51.3, lon=7.4)


def _two_warehouses(stock_w2: float, *, suppliers: bool = True) -> Network:
    """W (near C, with vehicle V, rop 50 / order 100) and W2 (far, rop 20)."""
    return Network(
        products=[product()],
        suppliers=[
            supplier("CHEAP", quote("P", 500, 2, 5.0)),
            supplier("DEAR", quote("P", 500, 1, 9.0)),
        ]
        if suppliers
        else [],
        plants=[Plant(id="PL", name="pl", location=FAR, region="r", output_warehouse_id="W2")],
        warehouses=[
            Warehouse(
                id="W",
                name="w",
                location=HOME,
                region="r",
                capacity_units=1000,
                initial_stock={"P": 10},
                reorder_point={"P": 50},
                order_quantity={"P": 100},
            ),
            Warehouse(
                id="W2",
                name="w2",
                location=FAR,
                region="r",
                capacity_units=1000,
                initial_stock={"P": stock_w2},
                reorder_point={"P": 20},
                order_quantity={"P": 100},
            ),
        ],
        customers=[Customer(id="C", name="c", location=NEAR, region="r", demand_per_day={"P": 0})],
        vehicles=[
            Vehicle(id="V", name="v", depot_id="W", capacity_units=500),
            Vehicle(id="V2", name="v2", depot_id="W2", capacity_units=500),
        ],
    )


def test_below_reorder_point_at_the_plant_warehouse_produces_the_order_quantity() -> None:
    net = line_network().model_copy(deep=True)
    wh = net.warehouses[0].model_copy(
        update={"reorder_point": {"P": 50.0}, "order_quantity": {"P": 100.0}}
    )
    net = net.model_copy(update={"warehouses": [wh]})
    plan = plan_reorder_point(snapshot_of(net, 3, demand=[]), SETTINGS, plan_id="b")
    assert plan.status is PlanStatus.HEURISTIC
    [run] = plan.production
    assert (run.machine_id, run.period, run.quantity) == ("M", 0, 100.0)
    assert run.hours == pytest.approx(10.0)


def test_elsewhere_it_transfers_from_the_warehouse_with_most_stock_above_its_reorder_point() -> (
    None
):
    plan = plan_reorder_point(
        snapshot_of(_two_warehouses(300), 3, demand=[]), SETTINGS, plan_id="b"
    )
    [move] = plan.transfers
    assert (move.origin_id, move.destination_id, move.quantity) == ("W2", "W", 100.0)
    assert plan.purchases == []


def test_without_spare_stock_it_buys_from_the_cheapest_supplier() -> None:
    plan = plan_reorder_point(snapshot_of(_two_warehouses(20), 3, demand=[]), SETTINGS, plan_id="b")
    [po] = [p for p in plan.purchases if p.destination_id == "W"]
    assert (po.supplier_id, po.quantity, po.order_period, po.arrival_period) == (
        "CHEAP",
        100.0,
        0,
        2,
    )
    assert plan.transfers == []


def test_the_warehouse_agents_requests_set_the_quantity() -> None:
    snap = snapshot_of(_two_warehouses(20), 3, demand=[])
    asked = snap.warehouses[0].model_copy(
        update={"reorder_requests": [ReorderRequest(product_id="P", quantity=70.0)]}
    )
    snap = snap.model_copy(update={"warehouses": [asked, snap.warehouses[1]]})
    plan = plan_reorder_point(snap, SETTINGS, plan_id="b")
    assert [(p.destination_id, p.quantity) for p in plan.purchases if p.destination_id == "W"] == [
        ("W", 70.0)
    ]


@pytest.mark.parametrize("arrival_period", [1, 4])
def test_goods_already_on_order_from_a_supplier_count_in_the_position(arrival_period: int) -> None:
    """W's agent asks (10 on hand, reorder point 50) but 100 are on a supplier's truck to it.

    The agent sees transfers to it, not purchase orders, so its request
    alone ordered the same goods again on every replan until they landed:
    replans just before the 08:00 landings made the rule buy twice.
    Landing after the window (period 4 of 3) they count all the same.
    """
    snap = snapshot_of(_two_warehouses(20), 3, demand=[])
    asked = snap.warehouses[0].model_copy(
        update={"reorder_requests": [ReorderRequest(product_id="P", quantity=100.0)]}
    )
    on_road = Inbound(
        shipment_id="po-1",
        product_id="P",
        destination_id="W",
        quantity=100.0,
        arrival_period=arrival_period,
    )
    cheap = snap.suppliers[0].model_copy(update={"inbound": [on_road]})
    snap = snap.model_copy(
        update={"warehouses": [asked, snap.warehouses[1]], "suppliers": [cheap, snap.suppliers[1]]}
    )
    plan = plan_reorder_point(snap, SETTINGS, plan_id="b")
    assert [p for p in plan.purchases if p.destination_id == "W"] == []
    assert [t for t in plan.transfers if t.destination_id == "W"] == []


def test_firm_orders_are_served_first_come_first_served_from_the_nearest_stock() -> None:
    # W holds 10 units: the day-0 order of 8 is served whole, the day-1 order
    # of 8 gets the 2 left, and the 6 short are a shortage at W.
    snap = snapshot_of(_two_warehouses(20, suppliers=False), 3, demand=[line(8.0, 0), line(8.0, 1)])
    plan = plan_reorder_point(snap, SETTINGS, plan_id="b")
    assert [(d.warehouse_id, d.period, d.quantity) for d in plan.deliveries] == [
        ("W", 0, 8.0),
        ("W", 1, 2.0),
    ]
    [short] = plan.shortages
    assert (short.period, short.quantity, short.binding) == (1, 6.0, ["W"])
    assert short.penalty == pytest.approx(600.0)
    assert {r.method for r in plan.routes} == {METHOD}


def test_the_demo_baseline_serves_the_firm_orders(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_reorder_point(demo_snapshot, SETTINGS, plan_id="b")
    firm = sum(d.quantity for d in demo_snapshot.demand if d.order_id)
    assert sum(d.quantity for d in plan.deliveries) == pytest.approx(firm)
    cold = {p.id for p in demo_snapshot.network.products if p.cold_chain}
    reefers = {v.vehicle_id for v in demo_snapshot.vehicles if v.refrigerated}
    assert all(r.vehicle_id in reefers for r in plan.routes if cold & set(r.load))


def test_the_rules_plan_says_it_is_the_rules(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_reorder_point(demo_snapshot, SETTINGS, plan_id="b")
    assert plan.how == PlanMaking(mode=PlanMode.RULE)
