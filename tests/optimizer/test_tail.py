"""The window's tail: purchases slower than the window, and buffers that arrive early."""

from __future__ import annotations

import pytest

from optimizer.data import planning_data
from optimizer.milp import plan_milp
from supplysync.network import Customer, Network
from supplysync.offers import DemandLine, Inbound
from tests.optimizer.conftest import (
    NEAR,
    SETTINGS,
    line_network,
    quote,
    snapshot_of,
    supplier,
)

RATE = 20.0


def bought_network(lead: int, *, stock: float = 200.0) -> Network:
    """W buys P only from S, `lead` days away; customer C takes RATE a day."""
    net = line_network(
        machines=[], suppliers=[supplier("S", quote("P", 500, lead, 10.0))], stock={"P": stock}
    )
    c = Customer(id="C", name="c", location=NEAR, region="r", demand_per_day={"P": RATE})
    return net.model_copy(update={"customers": [c]})


def test_a_supplier_slower_than_the_window_is_bought_from() -> None:
    """Lead 3 in a 3-day window: only a purchase landing after the window keeps day 4 served."""
    net = bought_network(3, stock=3 * RATE)
    plan = plan_milp(snapshot_of(net, 3), SETTINGS, plan_id="t")
    landing = {(po.order_period, po.arrival_period): po.quantity for po in plan.purchases}
    assert landing, "nothing bought from the only supplier"
    assert all(arrival >= 3 for _, arrival in landing)
    assert sum(landing.values()) >= RATE  # at least the day after the window


def test_the_buffer_is_ordered_now_not_at_the_end_of_the_window() -> None:
    """With stock for the window, the safety stock is ordered on the first day it can land early.

    Ordered only with the window's last purchase, every replan would move
    it a day later and it would never arrive.
    """
    net = bought_network(2, stock=3 * RATE)
    snapshot = snapshot_of(net, 3)
    data = planning_data(snapshot, SETTINGS)
    safety = data.targets["W", "P"].safety
    assert safety > 1
    plan = plan_milp(snapshot, SETTINGS, plan_id="t")
    first = sum(po.quantity for po in plan.purchases if po.order_period == 0)
    assert first >= safety - 1e-6


def test_goods_already_on_the_way_after_the_window_are_not_ordered_again() -> None:
    net = bought_network(3, stock=3 * RATE)
    without = plan_milp(snapshot_of(net, 3), SETTINGS, plan_id="t")
    ordered = sum(po.quantity for po in without.purchases)
    snapshot = snapshot_of(net, 3)
    (w,) = snapshot.warehouses
    inbound = [
        Inbound(
            shipment_id=f"PO-{k}",
            product_id="P",
            destination_id="W",
            quantity=q,
            arrival_period=3 + k,
        )
        for k, q in enumerate([RATE, RATE, ordered])
    ]
    snapshot = snapshot.model_copy(
        update={"warehouses": [w.model_copy(update={"inbound": inbound})]}
    )
    again = plan_milp(snapshot, SETTINGS, plan_id="t")
    assert sum(po.quantity for po in again.purchases) < 1.0


def test_the_tail_never_outbids_demand_inside_the_window() -> None:
    """Short of stock, firm demand today is served before anything is kept for the tail."""
    net = bought_network(3, stock=RATE)
    demand = [DemandLine(customer_id="C", product_id="P", period=0, quantity=RATE, order_id="O")]
    plan = plan_milp(snapshot_of(net, 3, demand=demand), SETTINGS, plan_id="t")
    assert sum(d.quantity for d in plan.deliveries if d.period == 0) == pytest.approx(RATE)


@pytest.mark.parametrize("lead", [3, 12, 22])
def test_a_long_tail_never_outbids_firm_demand_in_the_window(lead: int) -> None:
    """Short of stock, today's firm order is served however long the only source takes.

    A supplier's learned delay can stretch its lead time to weeks (a hold
    of two days is planned to last ~18 more, `agents.shipments`); a unit
    kept through a tail that long must still be worth less than an order.
    """
    net = bought_network(lead, stock=RATE)
    demand = [DemandLine(customer_id="C", product_id="P", period=0, quantity=RATE, order_id="O")]
    plan = plan_milp(snapshot_of(net, 3, demand=demand), SETTINGS, plan_id="t")
    assert sum(d.quantity for d in plan.deliveries if d.period == 0) == pytest.approx(RATE)
