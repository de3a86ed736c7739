"""Customer orders live: the order gateway publishes, the store keeps, the next plan serves
(and stops serving what was delivered or cancelled).

The loop runs against a private Mosquitto with the project's ACL (the
gateway and the loop's clients log in with the credentials
`broker-config` writes) and each store backend, agents in-process. Orders,
a proof of delivery and a cancellation are published by hand with `mosquitto_pub` as the
order gateway; replans are asked for as the API asks (operator requests).
That a device is refused on the orders topics is tests/deploy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.devices.broker_config import ORDERS_USER
from adapters.devices.credentials import Credentials
from adapters.mqtt.topics import orders_topic
from adapters.store import EventStore, open_store
from cluster.live import Brokers, LiveLoop, LiveSettings
from runtime.directory import InlineDirectory
from supplysync.control import OperatorRequest
from supplysync.offers import DemandLine
from supplysync.orders import CustomerOrder, OrderCancellation, OrderMessage, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.planning import calendar_period
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, mosquitto_pub, running
from tests.deploy.acl_broker import acl_broker

FAST = LiveSettings(turn_s=0.1, agent_tick_s=3600, status_every_s=1.0)
EVER = (datetime(1970, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
CUSTOMER, PRODUCT = "C-ESSEN", "PUMP"


def live_loop(
    scenario: Scenario, store_url: str, broker: PrivateBroker, creds: Credentials
) -> LiveLoop:
    return LiveLoop(
        network=scenario.network,
        planning=scenario.planning,
        directory=InlineDirectory.start(scenario.network, store_url=store_url),
        store_url=store_url,
        brokers=Brokers.logged_in(broker.url, creds),
        settings=FAST,
    )


def customer_order(order_id: str, quantity: float, now: datetime) -> CustomerOrder:
    """An order placed `now` for the next calendar day, whose routes are all ahead.

    Not for today: plans count calendar days from UTC midnight, and late in
    the day the vehicles' shifts are over (the agents offer no hours), so a
    plan leaves an order due today short until the midnight tick moves it
    into the next day's period 0.
    """
    return CustomerOrder(
        order_id=order_id,
        customer_id=CUSTOMER,
        product_id=PRODUCT,
        quantity=quantity,
        due=calendar_period(now, 24.0) + timedelta(days=1),
        created_at=now,
    )


def delivered(order: CustomerOrder) -> ProofOfDelivery:
    return ProofOfDelivery(
        order_id=order.order_id,
        customer_id=CUSTOMER,
        product_id=PRODUCT,
        quantity=order.quantity,
        ts=datetime.now(UTC),
        vehicle_id="V-DUI-1",
    )


def firm_lines(store: EventStore, plan: Plan) -> dict[str, float]:
    """The firm (order) demand of the snapshot `plan` was made from, by order id."""
    snapshot = store.latest_network()
    assert snapshot is not None and snapshot.taken_at <= plan.created_at
    return {
        line.order_id: line.quantity
        for line in snapshot.demand
        if line.order_id is not None and _firm(line)
    }


def _firm(line: DemandLine) -> bool:
    return line.order_id is not None and line.customer_id == CUSTOMER


def caused_by(request_id: str) -> Callable[[EventStore], tuple[Plan, dict[str, float]] | None]:
    def look(store: EventStore) -> tuple[Plan, dict[str, float]] | None:
        plan = next((p for p in store.plans() if request_id in p.causes), None)
        return None if plan is None else (plan, firm_lines(store, plan))

    return look


def test_orders_from_the_gateway_are_stored_planned_closed_and_survive_a_restart(
    demo_scenario: Scenario, store_url: str, tmp_path: Path
) -> None:
    network = demo_scenario.network
    broker, creds = acl_broker(tmp_path, network)
    gateway = ("-u", ORDERS_USER, "-P", creds.secret(ORDERS_USER))
    topic = str(orders_topic(network, CUSTOMER))
    now = datetime.now(UTC)
    first, second = customer_order("o-live-1", 12, now), customer_order("o-live-2", 7, now)
    third = customer_order("o-live-3", 5, now)
    placed = OrderMessage(gateway_id="erp", orders=[first, second, third])
    withdrawn = OrderCancellation(order_id=third.order_id, customer_id=CUSTOMER, ts=now)
    closing = OrderMessage(
        gateway_id="erp", deliveries=[delivered(first)], cancellations=[withdrawn]
    )

    def request(request_id: str) -> None:
        with open_store(store_url) as store:
            store.append(
                [
                    OperatorRequest(
                        request_id=request_id, by="ops", at=datetime.now(UTC), action="replan"
                    )
                ]
            )

    async def first_run() -> tuple[dict[str, float], dict[str, float], Plan, int]:
        loop = live_loop(demo_scenario, store_url, broker, creds)
        async with running(loop):
            await eventually(store_url, lambda s: s.plans())
            await mosquitto_pub(broker.port, topic, placed.model_dump_json().encode(), *gateway)
            # the same, again
            await mosquitto_pub(broker.port, topic, placed.model_dump_json().encode(), *gateway)
            await eventually(store_url, lambda s: len(s.orders(*EVER)) == 3)
            await asyncio.to_thread(request, "r-orders")
            plan, planned = await eventually(store_url, caused_by("r-orders"))
            await mosquitto_pub(broker.port, topic, closing.model_dump_json().encode(), *gateway)
            await eventually(store_url, lambda s: s.deliveries(*EVER) and s.cancellations(*EVER))
            await asyncio.to_thread(request, "r-delivered")
            _, after = await eventually(store_url, caused_by("r-delivered"))
        return planned, after, plan, loop.stats.orders

    async def second_run() -> tuple[dict[str, float], tuple[int, int, int]]:
        loop = live_loop(demo_scenario, store_url, broker, creds)
        async with running(loop):
            await asyncio.to_thread(request, "r-restarted")
            _, planned = await eventually(store_url, caused_by("r-restarted"))
        stats = loop.stats
        return planned, (stats.orders, stats.deliveries, stats.cancellations)

    with broker:
        planned, after, plan, taken = asyncio.run(first_run())
        with open_store(store_url) as store:
            earlier = [p.plan_id for p in store.plans()]
        replanned, read_back = asyncio.run(second_run())

    assert planned == {"o-live-1": 12, "o-live-2": 7, "o-live-3": 5}
    served = {d.order_id: d.quantity for d in plan.deliveries if d.order_id in planned}
    assert served == {"o-live-1": 12, "o-live-2": 7, "o-live-3": 5}
    # o-live-1 delivered in full, o-live-3 cancelled: neither is demand any more
    assert after == {"o-live-2": 7}
    assert taken == 3  # the repeated message added nothing
    # a new process reads the book back from the store: still only the open order
    assert replanned == {"o-live-2": 7}
    assert read_back == (3, 1, 1)
    # ... and goes on from the plan in force, not from nothing
    with open_store(store_url) as store:
        restarted = next(p for p in store.plans() if p.plan_id not in earlier)
    assert restarted.diff is not None and restarted.diff.previous_plan_id == earlier[-1]
    assert restarted.window.start == plan.window.start  # the same periods: routes carry over
    with open_store(store_url) as store:
        assert [(o.order_id, o.quantity) for o in store.orders(*EVER)] == [
            ("o-live-1", 12),
            ("o-live-2", 7),
            ("o-live-3", 5),
        ]
        assert [d.order_id for d in store.deliveries(*EVER)] == ["o-live-1"]
        assert [c.order_id for c in store.cancellations(*EVER)] == ["o-live-3"]
        assert store.dead_letters(*EVER) == []
