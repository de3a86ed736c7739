"""The live loop's order intake: each order, proof and cancellation once, unknown names held
back."""

from __future__ import annotations

from datetime import UTC, datetime

from replan.intake import OrderIntake
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.scenario import Scenario

TS = datetime(2026, 3, 2, tzinfo=UTC)


def order(order_id: str, customer: str = "C-ESSEN", product: str = "PUMP") -> CustomerOrder:
    return CustomerOrder(
        order_id=order_id,
        customer_id=customer,
        product_id=product,
        quantity=3,
        due=TS,
        created_at=TS,
    )


def proof(order_id: str, hour: int) -> ProofOfDelivery:
    return ProofOfDelivery(
        order_id=order_id,
        customer_id="C-ESSEN",
        product_id="PUMP",
        quantity=1,
        ts=TS.replace(hour=hour),
        vehicle_id="V-DUI-1",
    )


def cancellation(order_id: str, hour: int) -> OrderCancellation:
    return OrderCancellation(order_id=order_id, customer_id="C-ESSEN", ts=TS.replace(hour=hour))


def test_each_order_proof_and_cancellation_is_passed_on_once(demo_scenario: Scenario) -> None:
    intake = OrderIntake(demo_scenario.network)
    assert intake.take([order("o1"), order("o2")], [proof("o1", 9)]) == (2, 1, 0)
    # redelivered, read back at start, or both: nothing new, but a second drop of o1 is
    assert intake.take([order("o1")], [proof("o1", 9), proof("o1", 11)]) == (0, 1, 0)
    # a cancellation counts once per order, however often (or with whatever stamp) it comes
    assert intake.take([], [], [cancellation("o2", 12), cancellation("o2", 13)]) == (0, 0, 1)
    placed, delivered, cancelled = intake.drain()
    assert [o.order_id for o in placed] == ["o1", "o2"]
    assert [d.ts.hour for d in delivered] == [9, 11]
    assert [(c.order_id, c.ts.hour) for c in cancelled] == [("o2", 12)]
    assert intake.drain() == ([], [], [])
    # an order closed since is still not opened again by a late repeat
    assert intake.take([order("o1")], [], [cancellation("o2", 12)]) == (0, 0, 0)


def test_orders_naming_what_the_network_lacks_are_held_back(demo_scenario: Scenario) -> None:
    intake = OrderIntake(demo_scenario.network)
    fresh = intake.take([order("o1", customer="C-NOBODY"), order("o2", product="WIDGET")], [])
    assert fresh == (0, 0, 0)
    assert intake.refused == 2
    assert intake.drain() == ([], [], [])
