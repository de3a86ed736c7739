"""An order that has waited longer is served first when stock covers only one.

An overdue order is planned in period 0 beside today's; a customer drops it
once its grace runs out, while today's order left short can still be served
late tomorrow. Priced alike, the plan chooses between them by the route's
cost alone, and the older order is lost.
"""

from __future__ import annotations

from datetime import timedelta

from optimizer.data import planning_data
from optimizer.demand import OrderBook
from optimizer.milp import plan_milp
from supplysync.network import Customer, Network
from supplysync.offers import DemandLine, NetworkSnapshot
from supplysync.orders import CustomerOrder
from tests.optimizer.conftest import (
    NEAR,
    SETTINGS,
    line_network,
    product,
    quote,
    snapshot_of,
    supplier,
)


def two_customers() -> Network:
    """W holds 60 of P, its only source 12 days away; C and D each order 50 a day."""
    net = line_network(
        products=[product("P", penalty=19.0)],
        machines=[],
        suppliers=[supplier("S", quote("P", 10.0, 12, 5.0))],
        stock={"P": 60.0},
    )
    customers = [
        Customer(id=c, name=c, location=NEAR, region="r", demand_per_day={"P": 50.0})
        for c in ("C", "D")
    ]
    return net.model_copy(update={"customers": customers})


def _snapshot(overdue: int) -> NetworkSnapshot:
    demand = [
        DemandLine(customer_id="C", product_id="P", period=0, quantity=50.0, order_id="C-today"),
        DemandLine(
            customer_id="D",
            product_id="P",
            period=0,
            quantity=50.0,
            order_id="D-late",
            overdue=overdue,
        ),
    ]
    return snapshot_of(two_customers(), demand=demand)


def test_an_overdue_order_is_priced_above_todays() -> None:
    data = planning_data(_snapshot(overdue=1), SETTINGS)
    today, late = data.demand
    assert data.line_penalty(late) == data.line_penalty(today) + data.urgency["P"]
    assert data.line_loss(late) == data.line_loss(today)  # shortages report the network's


def test_scarce_stock_serves_the_overdue_order_first() -> None:
    plan = plan_milp(_snapshot(overdue=1), SETTINGS, plan_id="p")
    served = {c: sum(d.quantity for d in plan.deliveries if d.customer_id == c) for c in "CD"}
    assert served["D"] == 50.0, served


def test_the_book_says_how_many_periods_an_order_is_overdue() -> None:
    net = two_customers()
    book = OrderBook(net)
    window = snapshot_of(net).window
    due = window.start - timedelta(days=1)
    book.add(
        [
            CustomerOrder(
                order_id="D-late",
                customer_id="D",
                product_id="P",
                quantity=50.0,
                due=due,
                created_at=due,
            ),
            CustomerOrder(
                order_id="C-today",
                customer_id="C",
                product_id="P",
                quantity=50.0,
                due=window.start,
                created_at=due,
            ),
        ]
    )
    lines = {x.order_id: (x.period, x.overdue) for x in book.demand(window, forecast=False)}
    assert lines == {"D-late": (0, 1), "C-today": (0, 0)}
