"""The live loop's order intake: each order and proof once, unknown names held back."""

from __future__ import annotations

from datetime import UTC, datetime

from cluster.live.orders import OrderIntake
from supplysync.network import Network
from supplysync.orders import CustomerOrder, ProofOfDelivery

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


def test_each_order_and_proof_is_passed_on_once(demo_network: Network) -> None:
    intake = OrderIntake(demo_network)
    assert intake.take([order("o1"), order("o2")], [proof("o1", 9)]) == (2, 1)
    # redelivered, read back at start, or both: nothing new, but a second drop of o1 is
    assert intake.take([order("o1")], [proof("o1", 9), proof("o1", 11)]) == (0, 1)
    placed, delivered = intake.drain()
    assert [o.order_id for o in placed] == ["o1", "o2"]
    assert [d.ts.hour for d in delivered] == [9, 11]
    assert intake.drain() == ([], [])
    # an order closed since is still not opened again by a late repeat
    assert intake.take([order("o1")], []) == (0, 0)


def test_orders_naming_what_the_network_lacks_are_held_back(demo_network: Network) -> None:
    intake = OrderIntake(demo_network)
    fresh = intake.take([order("o1", customer="C-NOBODY"), order("o2", product="WIDGET")], [])
    assert fresh == (0, 0)
    assert intake.refused == 2
    assert intake.drain() == ([], [])
