"""The live loop with `ingest_workers=2`: two consumer processes, one PostgreSQL store.

Readings of two warehouses that the partition gives to different consumers
reach the store, the agents (through the consumers' pipes to the loop) and
the loop's status, and the alert one of them raises is recorded by the
loop: the same hand-off a single consumer makes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from adapters.mqtt.partition import partition
from adapters.mqtt.topics import topic_of
from adapters.store import open_store
from cluster.live import Brokers, LiveLoop
from runtime.directory import InlineDirectory
from supplysync.events import AlertKind
from supplysync.scenario import Scenario
from supplysync.status import LoopStatus
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, mosquitto_pub, running
from tests.cluster.test_live import EPOCH, FAST, LATER, settled_status, shelf


def test_two_consumer_processes_feed_the_agents_of_their_own_sites(
    demo_scenario: Scenario, pg_store_url: str, tmp_path: Path
) -> None:
    network = demo_scenario.network
    owners = {site: i for i, sites in enumerate(partition(network, 2)) for site in sites}
    assert owners["W-DUI"] != owners["W-EHV"]  # one reading per consumer
    workdir = tmp_path / "broker"
    workdir.mkdir()

    async def run(broker: PrivateBroker) -> tuple[dict[str, Any], int, LoopStatus]:
        directory = InlineDirectory.start(network, store_url=pg_store_url)
        loop = LiveLoop(
            network=network,
            planning=demo_scenario.planning,
            directory=directory,
            store_url=pg_store_url,
            brokers=Brokers.same(broker.url),
            settings=FAST,
            ingest_workers=2,
        )
        async with running(loop, ready_s=60):
            for asset, units in (("W-DUI", 42.0), ("W-EHV", 500.0)):
                topic = str(topic_of(network, asset, "telemetry"))
                await mosquitto_pub(broker.port, topic, shelf(asset, 0, units))
            status = await eventually(pg_store_url, settled_status(readings_total=2))
            return await loop.agent_states(), loop.stats.readings, status

    with PrivateBroker(workdir) as broker:
        states, ingested, status = asyncio.run(run(broker))
    assert states["W-DUI"]["stock"]["PUMP"] == 42.0
    assert states["W-EHV"]["stock"]["PUMP"] == 500.0
    assert ingested == 2
    assert (status.ingest_pending_messages, status.unacked_messages) == (0, 0)
    with open_store(pg_store_url) as store:
        assert [r.units for r in store.readings("W-DUI", EPOCH, LATER)] == [42.0]  # type: ignore[union-attr]
        assert [r.units for r in store.readings("W-EHV", EPOCH, LATER)] == [500.0]  # type: ignore[union-attr]
        below = [a for a in store.alerts(EPOCH, LATER) if a.kind is AlertKind.BELOW_REORDER_POINT]
    assert "W-DUI" in [a.asset_id for a in below]  # raised by the agent, recorded by the loop
