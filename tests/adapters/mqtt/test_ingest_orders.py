"""Customer orders through the ingest, against a private Mosquitto and each store backend.

An order message is recorded before it is acknowledged (one held back when
its consumer stops is delivered again to the next one), an order delivered
twice is stored once, a cancellation is recorded and handed on with the
proofs, and a malformed message is a dead letter naming the field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from adapters.mqtt.broker import Session
from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.sink import StoreSink
from adapters.store import open_store
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from tests.adapters.mqtt.conftest import CountingSink, publish_all
from tests.adapters.mqtt.payloads import ORDERS, cancellation, encode, order, orders, proof
from tests.brokers import PrivateBroker

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def stored(url: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]], list[str]]:
    """`(order_id, quantity)` of the stored orders and proofs, and the dead letters' reasons."""
    with open_store(url) as store:
        return (
            [(o.order_id, o.quantity) for o in store.orders(*EVER)],
            [(d.order_id, d.quantity) for d in store.deliveries(*EVER)],
            [letter.reason for letter in store.dead_letters(*EVER)],
        )


def test_orders_are_recorded_once_handed_on_and_junk_is_a_dead_letter(
    broker: PrivateBroker, store_url: str
) -> None:
    placed = (ORDERS, encode(orders([order("o1", quantity=4), order("o2", quantity=6)])))
    messages = [
        placed,
        placed,  # delivered twice: QoS 1 is at least once
        (ORDERS, encode(orders([], [proof("o1", 4)], [cancellation("o2")]))),
        (ORDERS, encode(orders([order("o3", quantity=0)]))),
    ]
    handed: list[tuple[list[str], list[str], list[str]]] = []

    def on_orders(
        placed: Sequence[CustomerOrder],
        delivered: Sequence[ProofOfDelivery],
        cancelled: Sequence[OrderCancellation],
    ) -> None:
        handed.append(
            (
                [o.order_id for o in placed],
                [d.order_id for d in delivered],
                [c.order_id for c in cancelled],
            )
        )

    async def run() -> MqttIngest:
        async with StoreSink(url=store_url, on_orders=on_orders) as store:
            sink = CountingSink(store)
            session = Session(client_id="orders-once")
            async with MqttIngest(broker=broker.url, sink=sink, session=session, seed=0) as ingest:
                await ingest.wait_connected()
                await publish_all(broker.port, messages)
                await sink.reach(7)  # 2 + 2 orders, 1 proof, 1 cancellation, 1 dead letter
        return ingest

    ingest = asyncio.run(run())
    placed_ids, delivered, reasons = stored(store_url)
    assert placed_ids == [("o1", 4), ("o2", 6)]
    assert delivered == [("o1", 4)]
    assert len(reasons) == 1 and "orders.0.quantity: Input should be greater than 0" in reasons[0]
    # the sink hands on what each batch held; the live loop's intake drops the repeat
    assert [ids for batch in handed for ids in batch[0]] == ["o1", "o2", "o1", "o2"]
    assert [ids for batch in handed for ids in batch[1]] == ["o1"]
    assert [ids for batch in handed for ids in batch[2]] == ["o2"]
    with open_store(store_url) as store:
        assert [c.order_id for c in store.cancellations(*EVER)] == ["o2"]
    assert (ingest.stats.orders, ingest.stats.dead_letters) == (4, 1)


def test_an_order_not_yet_recorded_is_delivered_again_to_the_next_consumer(
    broker: PrivateBroker, store_url: str
) -> None:
    session = Session(client_id="orders-restart")

    async def held_then_stopped() -> int:
        async with StoreSink(url=store_url) as store:
            sink = CountingSink(store)
            sink.gate.clear()  # received, never recorded, so never acknowledged
            async with MqttIngest(broker=broker.url, sink=sink, session=session, seed=0) as ingest:
                await ingest.wait_connected()
                await publish_all(broker.port, [(ORDERS, encode(orders([order("o7")])))])
                async with asyncio.timeout(10):
                    while ingest.unacked_messages < 1:
                        await asyncio.sleep(0.01)
                return ingest.unacked_messages

    async def resumed() -> None:
        async with StoreSink(url=store_url) as store:
            sink = CountingSink(store)
            async with MqttIngest(broker=broker.url, sink=sink, session=session, seed=0) as ingest:
                await ingest.wait_connected()
                await sink.reach(1)

    assert asyncio.run(held_then_stopped()) == 1
    assert stored(store_url)[0] == []  # the first consumer stopped before writing it
    asyncio.run(resumed())
    assert stored(store_url)[0] == [("o7", 5)]
