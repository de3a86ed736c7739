"""Agent hosts over three Ray nodes; one node dies mid-stream and nothing stored is lost.

A `ray.cluster_utils.Cluster` runs a head and two more raylets on this
machine, one CPU each. Three sharded hosts are spread one per node
(`cluster.hosts.spread`), the coordinator actor is put on a worker node
too, the demo readings stream in (each batch stored first, then handed to
the agents, as live ingest does), and that worker node is removed without
warning in the middle. Ray restarts its host and the coordinator on
surviving nodes, where they rebuild from the store (agents: snapshot plus
replay; coordinator: orders and plans); the stream goes on. Asserted on
values only: where the hosts are, that every stored reading is in the
recovered agents (last seq per device, and the whole state equal to a
replay of the store), and that the coordinator's next plan goes through,
numbered after the one made before the loss, with the same demand. The
loss window (node removal to the first call every host answers from a
surviving node) is printed and recorded as the test property
`loss_window_s`, never asserted.

The cluster's health checks are tightened (`HEALTH_CHECKS`) so the dead
node is noticed in about a second, not Ray's default 15 s; the window
measured here is therefore mostly restart plus replay, the part this
project controls (README, "Agents across the nodes of a Ray cluster").
PostgreSQL is the store, as on a real cluster whose nodes share no disk.

The last test does the same to the live loop's coordinator
(`LiveLoop(coordinator="actor")`, a private Mosquitto in front): the actor
on a worker node, customer orders in its book over MQTT but not yet
planned, the node removed; the loop's next plan is made by the restarted
actor on a surviving node and serves those orders. Its loss window (node
removal to that plan in the store) is recorded as `live_loss_window_s`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import ray
from ray.cluster_utils import Cluster
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from adapters.mqtt.topics import orders_topic
from adapters.store import EventStore, Record, open_store
from cluster.coordinator_actor import CoordinatorStore, RemoteCoordinator
from cluster.hosts import RayDirectory, RayHostPool, cpu_nodes, spread
from policies.plugins import load_policy
from replan import TurnInputs
from runtime.directory import AgentDirectory, InlineDirectory
from runtime.errors import DirectoryError
from runtime.placement import layout
from supplysync.network import Network
from supplysync.orders import CustomerOrder, OrderMessage
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import calendar_period
from supplysync.readings import Reading
from supplysync.scenario import Scenario
from supplysync.settings import RuntimeSettings
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, fast_loop, mosquitto_pub, running
from tests.conftest import join_ray, start_local_ray
from tests.runtime.test_recovery import steps

NODE_ARGS: dict[str, Any] = {"num_cpus": 1, "object_store_memory": 80 * 2**20}
HEALTH_CHECKS = {
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 3,
}
EPOCH = datetime(1970, 1, 1).astimezone()
LATER = datetime(2100, 1, 1).astimezone()


@pytest.fixture(scope="module")
def three_nodes() -> Iterator[Cluster]:
    """A head and two nodes, this process connected; the session's Ray given back after.

    The shared local Ray (`ray_session`) cannot run beside a cluster in one
    process: if an earlier test started it, it is shut down here and started
    again on the way out, so later Ray tests find it as they left it.
    """
    shared = ray.is_initialized()
    if shared:
        ray.shutdown()
    cluster = Cluster(
        initialize_head=True,
        head_node_args={**NODE_ARGS, "include_dashboard": False, "_system_config": HEALTH_CHECKS},
    )
    try:
        for _ in range(2):
            cluster.add_node(**NODE_ARGS)
        join_ray(cluster.address)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]
        if shared:
            start_local_ray()


def last_seqs(readings: list[Reading]) -> dict[str, dict[str, int]]:
    """Per asset, per device, the highest seq among `readings`."""
    out: dict[str, dict[str, int]] = {}
    for r in readings:
        devices = out.setdefault(r.asset_id, {})
        devices[r.device_id] = max(devices.get(r.device_id, -1), r.seq)
    return out


def held_seqs(states: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per asset, per device, the last seq its agent has folded in."""
    return {
        asset: {device: d["last_seq"] for device, d in state["devices"].items()}
        for asset, state in states.items()
        if state["devices"]
    }


def until_recovered(pool: RayHostPool, dead: str) -> list[str]:
    """Call every host until all answer from nodes other than `dead`; their nodes then."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            nodes = pool.nodes()
        except DirectoryError:
            nodes = [dead]
        if dead not in nodes:
            return nodes
        time.sleep(0.05)
    raise AssertionError(f"hosts still on node {dead} after 120 s")


def some_orders(network: Network, start: datetime) -> list[CustomerOrder]:
    """An order of each customer for its first product, due the next day."""
    return [
        CustomerOrder(
            order_id=f"o-{c.id}",
            customer_id=c.id,
            product_id=next(iter(c.demand_per_day)),
            quantity=5.0,
            due=start + timedelta(days=1),
            created_at=start,
        )
        for c in network.customers
        if c.demand_per_day
    ]


@pytest.mark.ray
def test_a_lost_node_s_hosts_and_coordinator_come_back_elsewhere_from_the_store(
    three_nodes: Cluster,
    pg_store_url: str,
    demo_scenario: Scenario,
    record_property: Any,
) -> None:
    network: Network = demo_scenario.network
    start = demo_scenario.simulation.start
    store_url = pg_store_url
    settings = RuntimeSettings(placement="sharded", shards=3, snapshot_every=5)
    batches = steps(network, start, 8)
    fed: list[Reading] = []

    def store(records: Sequence[Record]) -> None:
        with open_store(store_url) as events:
            events.append(records)

    def feed(directory: AgentDirectory, batch: list[Reading]) -> bool:
        """Store, then hand to the agents; False if a host was down (stored all the same)."""
        store(batch)
        fed.extend(batch)
        try:
            directory.ingest(batch, batch[-1].ts)
        except DirectoryError:
            return False
        return True

    with RayDirectory.start(network, settings, store_url=store_url) as directory:
        pool = directory.pool
        assert isinstance(pool, RayHostPool)
        before = pool.nodes()
        workers = {n.node_id: n for n in three_nodes.worker_nodes}
        assert len(set(before)) == 3, f"one host per node: {before}"
        for batch in batches[:4]:
            assert feed(directory, batch)
        victim = next(n for n in before if n in workers)
        lost = [i for i, node in enumerate(before) if node == victim]
        assert any(layout(list(network.asset_kinds()), "sharded", 3)[i] for i in lost)

        # The coordinator on the same node, with orders and a plan the store holds.
        now = batches[3][-1].ts
        coordinator = RemoteCoordinator(
            store=CoordinatorStore(store_url),
            node=victim,
            network=network,
            planning=demo_scenario.planning,
            directory=directory,
            policy=load_policy("milp"),
            origin=start,
            run_end=start + timedelta(hours=demo_scenario.planning.period_hours),
        )
        orders = some_orders(network, start)
        store(orders)
        first = coordinator.step(TurnInputs(now, orders=orders))
        assert first is not None
        store([first.plan, *first.commands])
        demand = coordinator.snapshot(now).demand
        assert demand and coordinator.node_id() == victim

        removed = time.monotonic()
        three_nodes.remove_node(workers[victim], allow_graceful=False)
        feed(directory, batches[4])  # mid-loss: stored, taken by the agents now or on replay
        after = until_recovered(pool, victim)
        window = time.monotonic() - removed
        for batch in batches[5:]:
            assert feed(directory, batch)

        survivors = {n for n in before if n != victim}
        assert all(after[i] in survivors for i in lost)
        assert all(after[i] == before[i] for i in range(len(before)) if i not in lost)
        with open_store(store_url) as events:
            stored = [r for a in network.asset_kinds() for r in events.readings(a, EPOCH, LATER)]
        assert len(stored) == len(fed)
        states = directory.states()
        assert held_seqs(states) == last_seqs(stored)
        with InlineDirectory.start(network, store_url=store_url) as replayed:
            assert states == replayed.states()

        # The loop goes on: the restarted coordinator knows the orders and the plan.
        assert coordinator.snapshot(now).demand == demand
        later = batches[-1][-1].ts
        second = coordinator.step(TurnInputs(later))
        assert second is not None and second.plan.status is not PlanStatus.ERROR
        assert all(r.accepted for r in second.responses)
        assert [p.plan_id for p in coordinator.plans] == ["milp-0001", "milp-0002"]
        assert coordinator.node_id() in survivors
        coordinator.close()
    record_property("loss_window_s", round(window, 2))
    print(f"\nnode loss window: {window:.2f} s (hosts {lost} moved off {victim[:8]})")


def firm(store: EventStore) -> dict[str, float]:
    """The order lines of the latest snapshot (stored with the latest plan), by order id."""
    snapshot = store.latest_network()
    assert snapshot is not None
    return {line.order_id: line.quantity for line in snapshot.demand if line.order_id is not None}


@pytest.mark.ray
def test_the_live_coordinator_actor_comes_back_on_a_surviving_node_with_its_orders(
    three_nodes: Cluster,
    pg_store_url: str,
    demo_scenario: Scenario,
    broker: PrivateBroker,
    record_property: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="cluster.live.loop")
    network = demo_scenario.network
    store_url = pg_store_url
    if len(three_nodes.worker_nodes) < 2:  # the test above removed one: a survivor to choose
        three_nodes.add_node(**NODE_ARGS)
        three_nodes.wait_for_nodes()
    workers = {n.node_id: n for n in three_nodes.worker_nodes}
    victim = sorted(workers)[0]
    settings = RuntimeSettings(placement="sharded", shards=3, snapshot_every=5)
    directory = RayDirectory.start(network, settings, store_url=store_url)
    loop = fast_loop(
        demo_scenario, directory, store_url, broker, coordinator="actor", coordinator_node=victim
    )
    orders = some_orders(network, calendar_period(datetime.now(UTC), 24.0))  # due tomorrow
    by_customer: dict[str, list[CustomerOrder]] = {}
    for order in orders:
        by_customer.setdefault(order.customer_id, []).append(order)

    async def run() -> tuple[list[Plan], dict[str, float], str | None, str | None, float]:
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
                store_url,
                lambda s: s.plans() if len(s.plans()) > len(first) else None,
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
    assert replanned_on != victim and replanned_on in cpu_nodes()
    assert len(plans) == 2, [(p.plan_id, p.causes) for p in plans]
    assert plans[1].plan_id == plans[0].plan_id.removesuffix("0001") + "0002"
    assert plans[1].status is not PlanStatus.ERROR
    assert {o.order_id: o.quantity for o in orders}.items() <= demand.items()
    replan_s = replan_seconds(caplog.messages, plans[1].plan_id)
    record_property("live_loss_window_s", round(window, 2))
    record_property("live_replan_s", round(replan_s, 2))
    print(
        f"\nlive coordinator loss window: {window:.2f} s (node {victim[:8]} removed), "
        f"of which the replan {replan_s:.2f} s"
    )


def replan_seconds(messages: Sequence[str], plan_id: str) -> float:
    """How long the loop logged the replan making `plan_id` took."""
    found = [re.search(r", ([0-9.]+)s\) caused by", m) for m in messages if plan_id in m]
    seconds = [float(m.group(1)) for m in found if m is not None]
    assert seconds, f"no log of {plan_id}"
    return seconds[0]


def test_hosts_are_dealt_round_robin_by_soft_affinity_on_a_cluster_only() -> None:
    assert spread(0, []) == {} and spread(5, ["only"]) == {}
    a, b, c = (x * 56 for x in "abc")  # node ids are 28 bytes in hex
    strategies = [spread(i, [a, b, c])["scheduling_strategy"] for i in range(4)]
    assert all(isinstance(s, NodeAffinitySchedulingStrategy) and s.soft for s in strategies)
    assert [s.node_id for s in strategies] == [a, b, c, a]
