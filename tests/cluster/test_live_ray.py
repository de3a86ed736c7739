"""An agent host killed while the live loop runs comes back holding what the store says.

Ray restarts the host; it rebuilds its agents from the store the loop wrote
(snapshot plus replay) and the loop goes on. Its agents then equal agents
rebuilt from the store by a fresh process (`InlineDirectory` with the same
store): the state is a replay of the log, whatever the kill interrupted.

The coordinator actor (`coordinator="actor"`) killed the same way keeps
the operators' overrides in force and answers their next request, each
request planned once, plan ids never repeated.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from itertools import chain, groupby
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
import ray

from adapters.mqtt.topics import topic_of
from adapters.store import open_store
from cluster.hosts import RayDirectory, RayHostPool
from runtime.directory import InlineDirectory
from supplysync.control import MachineOut, OperatorRequest
from supplysync.network import Network
from supplysync.readings import GatewayMessage, Reading
from supplysync.scenario import Scenario
from supplysync.settings import RuntimeSettings
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, fast_loop, running
from tests.cluster.test_live import caused_by, production_of
from tests.runtime.sample_readings import demo_readings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)


async def publish(port: int, network: Network, readings: list[Reading]) -> None:
    """One gateway message per asset and 15-minute step, as device gateways upload."""
    async with aiomqtt.Client("127.0.0.1", port, identifier="test-gateways") as client:
        by_asset = sorted(readings, key=lambda r: (r.asset_id, r.ts))
        for (asset, _ts), batch in groupby(by_asset, key=lambda r: (r.asset_id, r.ts)):
            message = GatewayMessage(gateway_id=f"gw-{asset}", readings=list(batch))
            topic = str(topic_of(network, asset, "telemetry"))
            await client.publish(topic, message.model_dump_json(), qos=1)


def stored(store_url: str, network: Network, n: int) -> Any:
    def look(store: Any) -> bool:
        return sum(len(store.readings(a, EPOCH, LATER)) for a in network.asset_kinds()) >= n

    return look


@pytest.mark.ray
def test_a_host_killed_mid_run_comes_back_as_the_store_replays_it(
    ray_session: None, demo_scenario: Scenario, tmp_path: Path, broker: PrivateBroker
) -> None:
    network = demo_scenario.network
    store_url = f"sqlite://{tmp_path}/events.db"
    settings = RuntimeSettings(placement="sharded", shards=2, snapshot_every=5)
    directory = RayDirectory.start(network, settings, store_url=store_url)
    # the last hour's readings: the ingest refuses readings stamped ahead of the clock
    readings = demo_readings(network, datetime.now(UTC) - timedelta(hours=1), steps=4)
    half = len(readings) // 2
    loop = fast_loop(demo_scenario, directory, store_url, broker)

    async def run() -> tuple[dict[str, Any], list[int], list[int]]:
        async with running(loop):
            await eventually(store_url, lambda s: s.plans())  # a commitment, too
            await publish(broker.port, network, readings[:half])
            await eventually(store_url, stored(store_url, network, half))
            before = await asyncio.to_thread(directory.pids)
            pool = directory.pool
            assert isinstance(pool, RayHostPool)
            ray.kill(pool.handles[0], no_restart=False)
            await publish(broker.port, network, readings[half:])
            await eventually(store_url, stored(store_url, network, len(readings)))
            async with asyncio.timeout(20):
                while loop.stats.readings < len(readings):
                    await asyncio.sleep(0.1)
            states = await loop.agent_states()
            after = await asyncio.to_thread(directory.pids)
        return states, before, after

    with directory:
        states, before, after = asyncio.run(run())
    assert after[0] != before[0] and after[1] == before[1]
    assert loop.stats.readings == len(readings)
    with InlineDirectory.start(network, store_url=store_url) as replayed:
        assert states == replayed.states()
    machine = network.machines[0].id
    assert states[machine]["devices"], "the readings reached the agents"


@pytest.mark.ray
def test_a_killed_coordinator_actor_keeps_the_overrides_and_plans_each_request_once(
    ray_session: None, demo_scenario: Scenario, tmp_path: Path, broker: PrivateBroker
) -> None:
    network = demo_scenario.network
    store_url = f"sqlite://{tmp_path}/events.db"
    settings = RuntimeSettings(placement="sharded", shards=2)
    directory = RayDirectory.start(network, settings, store_url=store_url)
    loop = fast_loop(demo_scenario, directory, store_url, broker, coordinator="actor")

    def request(request_id: str, **fields: object) -> None:
        with open_store(store_url) as store:
            at = datetime.now(UTC)
            store.append([OperatorRequest(request_id=request_id, by="ops", at=at, **fields)])

    async def run() -> tuple[str, list[Any]]:
        async with running(loop, ready_s=60):
            [first] = await eventually(store_url, lambda s: s.plans(), timeout_s=60)
            busiest = max(production_of(first).items(), key=lambda kv: kv[1])[0]
            out = MachineOut(machine_id=busiest)
            await asyncio.to_thread(request, "r-out", action="set", override=out)
            await eventually(store_url, caused_by("r-out"))
            actor = loop.coordinator_actor
            assert actor is not None
            ray.kill(actor.handle, no_restart=False)
            await asyncio.to_thread(request, "r-after", action="replan")
            await eventually(store_url, caused_by("r-after"), timeout_s=60)
            await asyncio.sleep(0.5)  # long enough for a plan made twice to show
            return busiest, await eventually(store_url, lambda s: s.plans())

    with directory:
        busiest, plans = asyncio.run(run())
    after = next(p for p in plans if "r-after" in p.causes)
    assert busiest not in production_of(after)  # the override outlived the actor
    assert sum(production_of(after).values()) > 0
    ids = [p.plan_id for p in plans]
    assert len(set(ids)) == len(ids), ids
    causes = list(chain.from_iterable(p.causes for p in plans))
    assert causes.count("r-out") == 1 and causes.count("r-after") == 1, ids
