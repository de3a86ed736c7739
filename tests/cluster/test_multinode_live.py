"""The live loop's coordinator as an actor on a worker node; the node dies, the loop goes on.

A `ray.cluster_utils.Cluster` of three one-CPU raylets on this machine (the
fixture of `test_multinode`, with its short health checks), PostgreSQL as
the store, a private Mosquitto. `LiveLoop(coordinator="actor")` runs its
coordinator as `cluster.coordinator_actor.RemoteCoordinator`, here asked
onto a worker node. The loop makes its first plan; customer orders then
come in over MQTT, are stored and reach the coordinator's order book
without a plan (an order alone does not replan). The coordinator's node is
removed without warning: Ray restarts the actor on a surviving node, it
rebuilds from the store, and the loop's next plan, made there, serves those
orders. Asserted: the node the plan came from, the orders in its demand,
the plan ids (the second plan follows the first, none is made twice). The
loss window (node removal to the restarted coordinator's plan in the store)
is printed and recorded as `loss_window_s`, never asserted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ray.cluster_utils import Cluster

from adapters.mqtt.topics import orders_topic
from adapters.store import EventStore
from cluster.directory import AgentDirectory
from cluster.live import Brokers, LiveLoop, LiveSettings
from supplysync.orders import CustomerOrder, OrderMessage
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import calendar_period
from supplysync.scenario import Scenario
from supplysync.settings import RuntimeSettings
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, mosquitto_pub, running
from tests.cluster.test_multinode import three_nodes  # noqa: F401 - the cluster fixture

@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateBroker]:
    workdir = tmp_path / "broker"
    workdir.mkdir()
    with PrivateBroker(workdir) as private:
        yield private


def orders_of(scenario: Scenario, now: datetime) -> list[CustomerOrder]:
    """One order per customer for its first product, due tomorrow (inside the horizon)."""
    due = calendar_period(now, 24.0) + timedelta(days=1)
    return [
        CustomerOrder(
            order_id=f"o-live-{c.id}",
            customer_id=c.id,
            product_id=next(iter(c.demand_per_day)),
            quantity=7.0,
            due=due,
            created_at=now,
        )
        for c in scenario.network.customers
        if c.demand_per_day
    ]


def firm(store: EventStore) -> dict[str, float]:
    """The order lines of the latest snapshot (stored with the latest plan), by order id."""
    snapshot = store.latest_network()
    assert snapshot is not None
    return {line.order_id: line.quantity for line in snapshot.demand if line.order_id is not None}


@pytest.mark.ray
def test_the_live_coordinator_actor_comes_back_on_a_surviving_node_with_its_orders(
    three_nodes: Cluster,  # noqa: F811 - the imported fixture
    pg_store_url: str,
    demo_scenario: Scenario,
    broker: PrivateBroker,
    record_property: Any,
) -> None:
    network = demo_scenario.network
    store_url = pg_store_url
    workers = {n.node_id: n for n in three_nodes.worker_nodes}
    victim = sorted(workers)[0]
    settings = RuntimeSettings(placement="sharded", shards=3, snapshot_every=5)
    directory = AgentDirectory.start(network, settings, store_url=store_url)
    loop = LiveLoop(
        network=network,
        planning=demo_scenario.planning,
        directory=directory,
        store_url=store_url,
        brokers=Brokers.same(broker.url),
        settings=LiveSettings(turn_s=0.1, agent_tick_s=3600),
        coordinator="actor",
        coordinator_node=victim,
    )
    orders = orders_of(demo_scenario, datetime.now(UTC))
    by_customer: dict[str, list[CustomerOrder]] = {}
    for order in orders:
        by_customer.setdefault(order.customer_id, []).append(order)

    async def run() -> tuple[list[Plan], dict[str, float], str, str, float]:
        async with running(loop, ready_s=60):
            first = await eventually(store_url, lambda s: s.plans(), timeout_s=60)
            placed_on = await loop.coordinator_runs_on()
            for customer, placed in by_customer.items():
                message = OrderMessage(gateway_id="erp", orders=placed)
                topic = str(orders_topic(network, customer))
                await mosquitto_pub(broker.port, topic, message.model_dump_json().encode())
            async with asyncio.timeout(20):
                while loop.stats.orders < len(orders):
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # a few turns: the orders are in the actor's book
            removed = time.monotonic()
            three_nodes.remove_node(workers[victim], allow_graceful=False)
            plans = await eventually(
                store_url, lambda s: s.plans() if len(s.plans()) > len(first) else None,
                timeout_s=60,
            )
            window = time.monotonic() - removed
            replanned_on = await loop.coordinator_runs_on()
            await asyncio.sleep(1.0)  # long enough for a plan made twice to show
            plans = await eventually(store_url, lambda s: s.plans())
            demand = await eventually(store_url, firm)
        return plans, demand, placed_on, replanned_on, window

    with directory:
        plans, demand, placed_on, replanned_on, window = asyncio.run(run())

    assert placed_on == victim
    assert replanned_on != victim and replanned_on in {n["NodeID"] for n in _alive()}
    assert len(plans) == 2, [(p.plan_id, p.causes) for p in plans]
    assert plans[1].plan_id != plans[0].plan_id
    assert plans[1].status is not PlanStatus.ERROR
    assert {o.order_id: o.quantity for o in orders}.items() <= demand.items()
    record_property("loss_window_s", round(window, 2))
    print(f"\nlive coordinator loss window: {window:.2f} s (node {victim[:8]} removed)")


def _alive() -> list[dict[str, Any]]:
    import ray

    nodes: list[dict[str, Any]] = ray.nodes()  # type: ignore[no-untyped-call]
    return [n for n in nodes if n.get("Alive")]
