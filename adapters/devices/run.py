"""`supplysync devices`: the fleet in the foreground until the scenario ends or a signal.

SIGINT and SIGTERM stop it cleanly: pacing stops, what is queued is
published (bounded by `drain_timeout_s`), every device disconnects, so
neither the broker's log nor the ingest sees a will or a half-sent batch.

The fleet's world starts now, or where the network's clock announced on
the broker (`adapters.mqtt.clock`) stands if that is later (an earlier
accelerated run left it ahead of the wall), so the network's time never
goes back.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import datetime

import aiomqtt

from adapters.devices.broker import BrokerAddress
from adapters.devices.credentials import Credentials
from adapters.devices.fleet import CLOCK_CLIENT, Fleet, harness_address
from adapters.devices.settings import FleetSettings
from adapters.mqtt import broker as mqtt
from adapters.mqtt.clock import announced
from supplysync.clock import WallClock
from supplysync.scenario import Scenario

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0


def run_fleet(
    scenario: Scenario,
    *,
    broker: BrokerAddress,
    credentials: Credentials | None,
    settings: FleetSettings,
) -> int:
    """Run the fleet from now on; 0 when the scenario ended or a signal stopped it."""
    return asyncio.run(_main(scenario, broker, credentials, settings))


async def _main(
    scenario: Scenario,
    broker: BrokerAddress,
    credentials: Credentials | None,
    settings: FleetSettings,
) -> int:
    harness = harness_address(broker, credentials)
    fleet = Fleet(
        scenario=scenario,
        broker=broker,
        credentials=credentials,
        settings=settings,
        start=await _start(harness),
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, fleet.stop)
    async with fleet:
        _say(
            f"{len(fleet.devices)} devices connected to {broker.host}:{broker.port}"
            " (and the order gateway)"
        )
        progress = asyncio.create_task(_progress(fleet), name="progress")
        try:
            await fleet.wait()
        finally:
            progress.cancel()
    _say(
        f"stopped at {fleet.simulator.now.isoformat()}: {fleet.readings} readings, "
        f"{fleet.orders} orders, {fleet.deliveries} proofs of delivery"
    )
    return 0


async def _start(harness: mqtt.BrokerAddress) -> datetime:
    """Now, or the network's time announced on the broker if that is later."""
    wall = WallClock().now()
    try:
        pace = await announced(harness, client_id=CLOCK_CLIENT)
    except aiomqtt.MqttError as exc:
        log.warning("the network's clock not read (starting at the wall's): %s", exc)
        return wall
    if pace is None or pace.time_at(wall) <= wall:
        return wall
    _say(f"the network's clock stands at {pace.time_at(wall).isoformat()}: starting there")
    return pace.time_at(wall)


async def _progress(fleet: Fleet) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY_S)
        sent = sum(d.published for d in fleet.devices.values())
        _say(f"{fleet.simulator.now.isoformat()}: {fleet.readings} readings, {sent} publishes")


def _say(line: str) -> None:
    print(f"supplysync devices: {line}", file=sys.stderr, flush=True)
