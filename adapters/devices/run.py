"""`supplysync devices`: the fleet in the foreground until the scenario ends or a signal.

SIGINT and SIGTERM stop it cleanly: pacing stops, what is queued is
published (bounded by `drain_timeout_s`), every device disconnects, so
neither the broker's log nor the ingest sees a will or a half-sent batch.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from adapters.devices.broker import BrokerAddress
from adapters.devices.credentials import Credentials
from adapters.devices.fleet import Fleet
from adapters.devices.settings import FleetSettings
from supplysync.clock import WallClock
from supplysync.scenario import Scenario

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
    fleet = Fleet(
        scenario=scenario,
        broker=broker,
        credentials=credentials,
        settings=settings,
        start=WallClock().now(),
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


async def _progress(fleet: Fleet) -> None:
    while True:
        await asyncio.sleep(PROGRESS_EVERY_S)
        sent = sum(d.published for d in fleet.devices.values())
        _say(f"{fleet.simulator.now.isoformat()}: {fleet.readings} readings, {sent} publishes")


def _say(line: str) -> None:
    print(f"supplysync devices: {line}", file=sys.stderr, flush=True)
