"""The order book: what a cancellation closes, and what it leaves."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.simulator.demand import LOST_AFTER_H
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


def regional_orders(prefix: str, factor: float, day: int) -> list[CustomerOrder]:
    """PUMP orders of every ruhr customer that buys it, `factor` times its daily rate."""
    rates = {"C-ESSEN": 10, "C-BOCHUM": 12, "C-OBERHAUSEN": 8}
    return [
        CustomerOrder(
            order_id=f"{prefix}-{customer}",
            customer_id=customer,
            product_id="PUMP",
            quantity=factor * rate,
            due=START + timedelta(days=day),
            created_at=START,
        )
        for customer, rate in rates.items()
    ]


def forecast(book: OrderBook, customer_id: str, product_id: str) -> float:
    """The forecast line of the window's last period for one customer and product."""
    lines = book.demand(WINDOW)
    [line] = [
        x
        for x in lines
        if x.order_id is None
        and x.period == WINDOW.periods - 1
        and (x.customer_id, x.product_id) == (customer_id, product_id)
    ]
    return line.quantity


def test_a_region_ordering_above_its_rates_raises_its_forecast_and_no_other(
    demo_scenario: Any,
) -> None:
    """A spike seen in a day of the ruhr's orders carries into the days no order covers yet."""
    book = OrderBook(demo_scenario.network, level_smoothing=0.5)
    assert forecast(book, "C-ESSEN", "PUMP") == 10
    book.add(regional_orders("d1", factor=2.0, day=0))
    assert math.isclose(forecast(book, "C-ESSEN", "PUMP"), 10 * 1.5)
    assert math.isclose(forecast(book, "C-BOCHUM", "PUMP"), 12 * 1.5)
    assert forecast(book, "C-ESSEN", "VALVE") == 20  # another product of the region
    assert forecast(book, "C-TILBURG", "PUMP") == 10  # another region
    book.add(regional_orders("d2", factor=2.0, day=1))
    assert math.isclose(forecast(book, "C-ESSEN", "PUMP"), 10 * 1.75)
    assert book.demand_levels() == {"ruhr": {"PUMP": 1.75}}


def test_orders_seen_again_or_partly_arrived_do_not_bend_the_level(demo_scenario: Any) -> None:
    """The level compares what the orders asked with the rates of those same customers."""
    book = OrderBook(demo_scenario.network, level_smoothing=0.5)
    book.add(regional_orders("d1", factor=1.0, day=0)[:1])  # only Essen's order has come in
    assert book.demand_levels() == {"ruhr": {"PUMP": 1.0}}
    book.add(regional_orders("d1", factor=1.0, day=0))  # Essen's again, and the others
    assert book.demand_levels() == {"ruhr": {"PUMP": 1.0}}


def test_by_default_the_level_is_the_latest_day_so_a_spike_ends_with_its_orders(
    demo_scenario: Any,
) -> None:
    book = OrderBook(demo_scenario.network)
    book.add(regional_orders("d1", factor=2.5, day=0))
    assert book.demand_levels() == {"ruhr": {"PUMP": 2.5}}
    book.add(regional_orders("d2", factor=1.0, day=1))
    assert book.demand_levels() == {"ruhr": {"PUMP": 1.0}}
    assert forecast(book, "C-ESSEN", "PUMP") == 10


def test_a_smoothing_weight_outside_zero_to_one_is_refused(demo_scenario: Any) -> None:
    with pytest.raises(ValueError, match="level_smoothing"):
        OrderBook(demo_scenario.network, level_smoothing=0.0)


def test_a_region_named_in_words_travels_in_a_snapshot(demo_scenario: Any) -> None:
    """Regions are free text in a network file ("Rhein Ruhr"); their levels must validate."""
    network = demo_scenario.network.model_copy(
        update={
            "customers": [
                c.model_copy(update={"region": "Rhein Ruhr"})
                for c in demo_scenario.network.customers
            ]
        }
    )
    book = OrderBook(network)
    book.add(regional_orders("d1", factor=2.0, day=0))
    snapshot = NetworkSnapshot(
        taken_at=START, window=WINDOW, network=network, demand_levels=book.demand_levels()
    )
    assert snapshot.demand_levels == {"Rhein Ruhr": {"PUMP": 2.0}}


def test_a_spike_the_level_follows_is_an_error_where_it_starts_and_ends_only(
    demo_scenario: Any,
) -> None:
    """The swing is measured against the forecast in force (rate x the level of earlier days):
    a four-day spike at 2.5 surprises on its first day (+150 %) and the day after it (-60 %);
    on its other days the level already says 2.5, so safety stock does not grow with its length."""
    book = OrderBook(demo_scenario.network, prior_cv=0.3, prior_weight=4)
    book.add(regional_orders("before", factor=1.0, day=0))
    for day in range(1, 5):
        book.add(regional_orders(f"spike{day}", factor=2.5, day=day))
    book.add(regional_orders("after", factor=1.0, day=5))
    errors = 4 * 0.09 + 3 * 1.5**2 + 3 * 0.6**2
    assert math.isclose(book.demand_cv(), math.sqrt(errors / (4 + 3 * 6)))


def test_after_a_day_that_ordered_almost_nothing_an_order_is_a_finite_error(
    demo_scenario: Any,
) -> None:
    """A level so small that rate x level is 0.0 in floating point (found by the orders fuzz):
    the forecast an order is measured against is at least a 25th of the rate."""
    book = OrderBook(demo_scenario.network, prior_cv=0.3, prior_weight=4)
    book.add([order("tiny", quantity=5e-324, day=0)])  # C-ESSEN's PUMP rate is 10
    book.add([order("small", quantity=0.4, day=1)])  # 10 / 25: no error against the floor
    assert math.isclose(book.demand_cv(), math.sqrt((4 * 0.09 + 1.0) / 6))


def test_the_book_forgets_an_order_the_moment_the_simulator_loses_it(
    demo_scenario: Any,
) -> None:
    """An order due on day 1 is lost at day 3 00:00; the midnight replan must not plan it.

    Kept one instant too long, the midnight plan routed a truck and stock to an
    order the customer no longer had, and the drop went to that customer's
    later orders while another customer's went short.
    """
    book = OrderBook(demo_scenario.network)
    book.add([order("o1", day=1)])
    lost_at = START + timedelta(days=1, hours=LOST_AFTER_H)
    book.expire(lost_at - timedelta(minutes=15))
    assert [o.order_id for o in book.open_orders()] == ["o1"]
    book.expire(lost_at)
    assert book.open_orders() == []
    assert firm(book) == {}
