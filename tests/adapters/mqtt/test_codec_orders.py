"""The codec on the `orders` channel: one customer's orders, proofs and cancellations, or a
dead letter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.mqtt.codec import Orders, decode
from adapters.mqtt.topics import TopicError, parse, subscription
from supplysync.deadletters import DeadLetter
from tests.adapters.mqtt.payloads import (
    ORDERS,
    TELEMETRY,
    cancellation,
    encode,
    order,
    orders,
    proof,
    reading,
)

AT = datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_an_order_message_decodes_with_its_customer() -> None:
    payload = encode(
        orders([order("o1"), order("o2", quantity=3)], [proof("o0", 2)], [cancellation("o9")])
    )
    decoded = decode(ORDERS, payload, at=AT, n=0)
    assert isinstance(decoded, Orders)
    assert (decoded.topic.asset_kind, decoded.topic.asset_id) == ("customer", "c1")
    assert [(o.order_id, o.quantity) for o in decoded.message.orders] == [("o1", 5), ("o2", 3)]
    assert [(d.order_id, d.quantity) for d in decoded.message.deliveries] == [("o0", 2)]
    cancelled = decoded.message.cancellations
    assert [(c.order_id, c.reason) for c in cancelled] == [("o9", "plant shutdown")]


def test_an_order_at_every_bound_decodes() -> None:
    placed = order("o" * 200, quantity=1e9, due="2099-12-31T23:59:59+00:00")
    payload = encode(orders([{**placed, "created_at": "2000-01-01T00:00:00Z"}]))
    decoded = decode(ORDERS, payload, at=AT, n=0)
    assert isinstance(decoded, Orders)
    assert decoded.message.orders[0].quantity == 1e9


def test_a_cancellation_alone_is_a_message() -> None:
    decoded = decode(ORDERS, encode(orders([], [], [cancellation("o1")])), at=AT, n=0)
    assert isinstance(decoded, Orders)
    assert [c.order_id for c in decoded.message.cancellations] == ["o1"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        # a quantity that is no quantity
        (orders([order("o1", quantity=-4)]), "orders.0.quantity: Input should be greater than 0"),
        # an endless quantity: stored, it would no longer load
        (
            orders([order("o1", quantity=float("inf"))]),
            "orders.0.quantity: Input should be a finite",
        ),
        # the second order lacks its due day
        (orders([order("o1"), {**order("o2"), "due": None}]), "orders.1.due:"),
        # an order of another customer on c1's topic
        (orders([order("o1", customer="c2")]), "orders.0.customer_id: 'c2' is not the topic's"),
        # a proof of another customer
        (orders([], [proof("o1", 1, customer="c2")]), "deliveries.0.customer_id: 'c2'"),
        # a cancellation of another customer's order
        (orders([], [], [cancellation("o1", customer="c2")]), "cancellations.0.customer_id: 'c2'"),
        # a cancellation without its order
        (orders([], [], [{**cancellation("o1"), "order_id": None}]), "cancellations.0.order_id:"),
        # nothing in it
        (orders([]), "Expected at least one order, proof of delivery or cancellation"),
        # a version this build does not speak
        ({**orders([order("o1")]), "v": 2}, "v: Input should be 1"),
        # a field the vocabulary does not have
        (orders([order("o1", priority="high")]), "orders.0.priority: Extra inputs"),
        # more than any count: a quantity of 1e308 turns the planner's numbers infinite
        (orders([order("o1", quantity=1e9 + 1)]), "orders.0.quantity: Input should be less"),
        (orders([], [proof("o1", 1e308)]), "deliveries.0.quantity: Input should be less"),
        # due on the calendar's last day: the order book's next day does not exist
        (orders([order("o1", due="9999-12-31T00:00:00Z")]), "orders.0.due: Value error"),
        # created in year 1: stored, it would not be read back when the live loop starts
        (orders([order("o1", created_at="0001-01-01T00:00:00Z")]), "orders.0.created_at:"),
        (orders([], [{**proof("o1", 1), "ts": "1969-12-31T23:59:59Z"}]), "deliveries.0.ts:"),
        (orders([], [], [{**cancellation("o1"), "ts": "2100-01-01T00:00:00Z"}]), ".0.ts:"),
        # order ids that are no ids: empty, a document, a control character
        (orders([order("")]), "orders.0.order_id: String should have at least 1 character"),
        (orders([order("o" * 201)]), "orders.0.order_id: String should have at most 200"),
        (orders([], [], [cancellation("o\x1f1")]), "cancellations.0.order_id: String should"),
    ],
)
def test_a_malformed_order_message_is_a_dead_letter_naming_the_field(
    payload: dict[str, object], reason: str
) -> None:
    raw = encode(payload)
    letter = decode(ORDERS, raw, at=AT, n=3)
    assert isinstance(letter, DeadLetter)
    assert reason in letter.reason
    assert (letter.topic, letter.raw, letter.asset_id) == (ORDERS, raw, "c1")


@pytest.mark.parametrize(
    "topic",
    [
        "supplysync/plant-1/machine/m1/orders",  # orders on an asset's topic
        "supplysync/c1/customer/c1/telemetry",  # readings passed off as a customer's
        "supplysync/c1/customer/c1/events",
    ],
)
def test_the_customer_kind_and_the_orders_channel_go_together_only(topic: str) -> None:
    with pytest.raises(TopicError, match="'orders' goes with kind 'customer'"):
        parse(topic)
    letter = decode(topic, encode(reading(1)), at=AT, n=0)
    assert isinstance(letter, DeadLetter)
    assert "'orders' goes with kind 'customer'" in letter.reason


def test_readings_on_an_asset_topic_still_decode_and_orders_subscribe_by_kind() -> None:
    assert not isinstance(decode(TELEMETRY, encode(reading(1)), at=AT, n=0), DeadLetter)
    assert subscription("orders") == "supplysync/+/customer/+/orders"
    assert subscription("events") == "supplysync/+/+/+/events"
