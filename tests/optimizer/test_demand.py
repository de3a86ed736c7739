"""The order book: what a cancellation closes, and what it leaves."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from optimizer.demand import OrderBook
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.planning import PlanningWindow

START = datetime(2026, 3, 2, tzinfo=UTC)
WINDOW = PlanningWindow(start=START, periods=3)


def order(order_id: str, quantity: float = 8, day: int = 1) -> CustomerOrder:
    return CustomerOrder(
        order_id=order_id,
        customer_id="C-ESSEN",
        product_id="PUMP",
        quantity=quantity,
        due=START + timedelta(days=day),
        created_at=START,
    )


def cancel(order_id: str) -> OrderCancellation:
    return OrderCancellation(order_id=order_id, customer_id="C-ESSEN", ts=START)


def firm(book: OrderBook) -> dict[str | None, float]:
    """The firm lines of the window: quantity by order id."""
    lines = book.demand(WINDOW, forecast=False)
    return {line.order_id: line.quantity for line in lines}


def test_a_cancelled_order_leaves_the_demand_and_the_rest_stays(demo_scenario: Any) -> None:
    book = OrderBook(demo_scenario.network)
    book.add([order("o1"), order("o2", quantity=5)])
    book.cancel([cancel("o1")])
    assert firm(book) == {"o2": 5}
    assert book.remaining("o1") == 0
    assert [o.order_id for o in book.open_orders()] == ["o2"]


def test_what_was_delivered_before_a_cancellation_is_not_planned_again(
    demo_scenario: Any,
) -> None:
    book = OrderBook(demo_scenario.network)
    book.add([order("o1", quantity=8)])
    book.deliver(
        [
            ProofOfDelivery(
                order_id="o1",
                customer_id="C-ESSEN",
                product_id="PUMP",
                quantity=3,
                ts=START,
                vehicle_id="V-DUI-1",
            )
        ]
    )
    assert firm(book) == {"o1": 5}
    book.cancel([cancel("o1")])
    assert firm(book) == {}


def test_a_cancellation_before_its_order_keeps_the_order_from_opening(
    demo_scenario: Any,
) -> None:
    book = OrderBook(demo_scenario.network)
    book.cancel([cancel("o3")])
    book.add([order("o3"), order("o4", quantity=2)])
    assert firm(book) == {"o4": 2}


def test_the_demand_swing_starts_at_the_prior_and_learns_from_orders(demo_scenario: Any) -> None:
    """C-ESSEN orders PUMP at 10 a day: orders of 10 pull the estimate down, 20s push it up."""
    book = OrderBook(demo_scenario.network, prior_cv=0.3, prior_weight=4)
    assert book.demand_cv() == 0.3
    book.add([order(f"a{k}", quantity=10) for k in range(4)])
    assert math.isclose(book.demand_cv(), math.sqrt(4 * 0.09 / 8))
    book.add([order(f"b{k}", quantity=20) for k in range(8)])  # a spike: twice the rate
    assert math.isclose(book.demand_cv(), math.sqrt((4 * 0.09 + 8 * 1.0) / 16))
    book.add([order("a0", quantity=10)])  # seen before: not counted again
    assert math.isclose(book.demand_cv(), math.sqrt((4 * 0.09 + 8 * 1.0) / 16))


def test_one_order_far_above_its_rate_swings_demand_no_further_than_a_snapshot_takes(
    demo_scenario: Any,
) -> None:
    """240 pumps at once for a customer of 10 a day (a month's worth) is an order, not an error."""
    book = OrderBook(demo_scenario.network)
    book.add([order("big", quantity=240)])
    snapshot = NetworkSnapshot(
        taken_at=START, window=WINDOW, network=demo_scenario.network, demand_cv=book.demand_cv()
    )
    assert snapshot.demand_cv == 5.0
    book.add([order("bigger", quantity=1e9)])
    assert book.demand_cv() == 5.0
