"""`supplysync run` as its own process against the project's ACL broker and PostgreSQL.

The device fleet (the demo's simulator as MQTT devices, each logged in with
its own credentials) runs in this process; an operator publishes by hand
with `mosquitto_pub`, logged in as one device, a valid reading and a broken
one. The live process plans at once, its commands reach the devices through
the ACL, their acks come back, and on SIGTERM it exits cleanly. The store
then holds the plan, every command and its acks, the fleet's readings, the
hand-made reading and the broken payload, byte for byte.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.devices import BrokerAddress, Fleet, FleetSettings
from adapters.mqtt.topics import topic_of
from adapters.store import open_store
from supplysync.readings import StockLevelReading
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually, mosquitto_pub
from tests.conftest import DEMO_SCENARIO, ROOT
from tests.deploy.acl_broker import acl_broker

pytestmark = pytest.mark.e2e

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)
FLEET = FleetSettings(speed=600, tick_s=0.2, backoff_min_s=0.1, backoff_max_s=0.5)


def acked_plan(store: Any) -> tuple[str, int] | None:
    """The first plan's id and command count, once every command has a final ack."""
    plans = store.plans()
    if not plans:
        return None
    commands = store.commands(plans[0].plan_id)
    finals = [
        [a for a in store.acks(c.command_id) if a.status in ("done", "rejected")] for c in commands
    ]
    return (plans[0].plan_id, len(commands)) if all(finals) else None


def from_the_fleet(network: Any) -> Any:
    """Whether the store holds a reading a device of the fleet (not a hand) published.

    Waited for, not assumed: what the fleet publishes before `run`
    subscribes reaches nobody, and its world publishes once a step (1.5 wall
    seconds at speed 600), so a quick first plan and hand payloads can all
    be done before its first step after the subscription.
    """

    def look(store: Any) -> bool:
        return any(
            r.device_id != "W-DUI-hand"
            for a in network.asset_kinds()
            for r in store.readings(a, EPOCH, LATER)
        )

    return look


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_supplysync_run_live_with_devices_acl_and_hand_published_payloads(
    demo_scenario: Scenario, store_url: str, tmp_path: Path
) -> None:
    network = demo_scenario.network
    broker, creds = acl_broker(tmp_path, network)
    topic = str(topic_of(network, "W-DUI", "telemetry"))
    hand = (
        StockLevelReading(
            device_id="W-DUI-hand",
            asset_id="W-DUI",
            seq=0,
            ts=datetime.now(UTC),
            product_id="VALVE",
            units=12,
        )
        .model_dump_json()
        .encode()
    )
    broken = b'{"kind": "stock_level", "asset_id": "W-DUI", "seq": "x"}'
    as_device = ("-u", "W-DUI", "-P", creds.secret("W-DUI"))

    async def run(broker: PrivateBroker) -> tuple[int, str, tuple[str, int]]:
        fleet = Fleet(
            scenario=demo_scenario,
            broker=BrokerAddress("127.0.0.1", broker.port),
            credentials=creds,
            settings=FLEET,
            start=datetime.now(UTC),
        )
        async with fleet:
            live = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "console",
                "run",
                "--broker",
                broker.url,
                "--db",
                store_url,
                "--scenario",
                str(DEMO_SCENARIO),
                "--placement",
                "inline",
                "--credentials",
                str(tmp_path / "auth" / "credentials.json"),
                cwd=ROOT,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                acked = await eventually(store_url, acked_plan, timeout_s=60)
                await mosquitto_pub(broker.port, topic, hand, *as_device)
                await mosquitto_pub(broker.port, topic, broken, *as_device)
                await eventually(store_url, lambda s: s.dead_letters(EPOCH, LATER))
                await eventually(store_url, from_the_fleet(network))
            finally:
                live.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(live.communicate(), 60)
            fleet.stop()
        assert live.returncode is not None
        return live.returncode, err.decode(), acked

    with broker:
        code, err, (plan_id, n_commands) = asyncio.run(run(broker))
    assert code == 0, err
    assert "supplysync run: stopped:" in err
    assert n_commands == len(network.asset_kinds())
    with open_store(store_url) as store:
        commands = store.commands(plan_id)
        statuses = {c.command_id: {a.status for a in store.acks(c.command_id)} for c in commands}
        [letter] = store.dead_letters(EPOCH, LATER)
        by_hand = [
            r
            for r in store.readings("W-DUI", EPOCH, LATER)
            if isinstance(r, StockLevelReading) and r.device_id == "W-DUI-hand"
        ]
        from_fleet = sum(len(store.readings(a, EPOCH, LATER)) for a in network.asset_kinds())
        network_snapshot = store.latest_network()
    assert all("received" in s and s & {"done", "rejected"} for s in statuses.values())
    assert letter.raw == broken and letter.topic == topic and "seq" in letter.reason
    assert [r.units for r in by_hand] == [12]
    assert from_fleet > len(by_hand)
    assert network_snapshot is not None
