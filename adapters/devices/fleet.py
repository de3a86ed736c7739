"""The simulator run as a fleet of MQTT devices on the wall clock.

`Fleet` is an async context manager: entering connects every device (one
connection per asset, with its own credentials) and starts pacing the
simulator; `wait()` returns when the scenario ends or `stop()` is called;
leaving flushes the outboxes (bounded by `drain_timeout_s`) and disconnects.
Commands a device receives are carried out by the shared simulator between
two pacing steps: one event loop, so the world is never stepped and
commanded at once. The world is worked out a step ahead and what it makes
is published when its time comes, so a command takes effect from the end
of the step under way and nothing it causes is stamped before it came.

Customer orders and proofs of delivery are not device data: they come from
the ERP (which hears of drops from the drivers' apps). The fleet plays the
ERP's order gateway too, one more client under its own MQTT user
(`supplysync-orders`), publishing each customer's new orders and proofs of
delivery as the simulator makes them.

Its world runs `speed` times the wall, so it keeps the network's clock
(`adapters.mqtt.clock`): once every device is connected it announces its
pace, retained, under the gateway's user, and on the way out the wall's
pace from where its world stopped. The live system's windows, debounce and
time-outs follow that clock, not the wall.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self

import aiomqtt

from adapters.devices.broker import BrokerAddress
from adapters.devices.broker_config import ORDERS_USER
from adapters.devices.credentials import Credentials
from adapters.devices.device import Device
from adapters.devices.errors import DeviceError
from adapters.devices.pacing import Pacing, rebased
from adapters.devices.publisher import Publisher
from adapters.devices.settings import FleetSettings
from adapters.devices.wire import order_uploads, uploads
from adapters.mqtt import broker as mqtt
from adapters.mqtt.clock import announce
from adapters.mqtt.topics import topic_of
from adapters.simulator import SimFrame, Simulator
from supplysync.clock import Pace, WallClock
from supplysync.commands import Command
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.readings import Reading
from supplysync.scenario import Scenario

log = logging.getLogger(__name__)

CANCEL_RETRY_S = 0.25
"""How long a cancelled device task gets before it is cancelled again."""

GATEWAY_ID = "supplysync-order-gateway"
"""The order gateway's MQTT client id and the `gateway_id` of its messages."""

CLOCK_CLIENT = f"{GATEWAY_ID}-clock"
"""The client id the fleet reads and announces the network's clock with."""


def harness_address(broker: BrokerAddress, credentials: Credentials | None) -> mqtt.BrokerAddress:
    """`broker` logged in as the order gateway, the user that may announce the clock."""
    if credentials is None:
        return mqtt.BrokerAddress(broker.host, broker.port)
    secret = credentials.secret(ORDERS_USER)
    return mqtt.BrokerAddress(broker.host, broker.port, ORDERS_USER, secret)


class Fleet:
    """Every asset of `scenario` as an MQTT device, and the ERP's order gateway.

    Args:
        scenario: the world to simulate.
        broker: where the devices connect.
        credentials: each asset's secret (user name = asset id) and the order
            gateway's; None for a broker without passwords.
        settings: pace, QoS, batching, reconnect.
        start: the simulated instant the fleet starts at (the scenario is
            moved to that day's UTC midnight and its world begins there,
            see `pacing`); the scenario's own start if None.
        monotonic: the wall clock pacing follows (seconds).
        seed: seeds the reconnect jitter; the world's chance is the scenario's.
    """

    def __init__(
        self,
        *,
        scenario: Scenario,
        broker: BrokerAddress,
        credentials: Credentials | None,
        settings: FleetSettings,
        start: datetime | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        seed: int = 0,
    ) -> None:
        if start is not None:
            scenario = rebased(scenario, start)
        begin = None if start is None else start.replace(microsecond=0)
        self.simulator = Simulator(scenario, begin=begin)
        self._settings = settings
        self._monotonic = monotonic
        self._stop = asyncio.Event()
        self._pacing: Pacing | None = None
        network = self._network = scenario.network
        rng = random.Random(seed)
        self.devices = {
            asset: Device(
                home=topic_of(network, asset, "cmd"),
                broker=broker,
                password=None if credentials is None else credentials.secret(asset),
                settings=settings,
                execute=self._execute,
                now=self.now,
                rng=random.Random(rng.random()),
            )
            for asset in network.asset_kinds()
        }
        self.gateway = Publisher(
            user=ORDERS_USER,
            client_id=GATEWAY_ID,
            broker=broker,
            password=None if credentials is None else credentials.secret(ORDERS_USER),
            settings=settings,
            rng=random.Random(rng.random()),
        )
        self._harness = harness_address(broker, credentials)
        self._tg: asyncio.TaskGroup | None = None
        self._pace_task: asyncio.Task[None] | None = None
        self._device_tasks: list[asyncio.Task[None]] = []
        self.readings = 0
        self.orders = 0
        self.deliveries = 0

    def now(self) -> datetime:
        """The simulated instant matching the wall clock now."""
        if self._pacing is None:
            return self.simulator.now
        return min(self._pacing.sim_time(self._monotonic()), self.simulator.end)

    def pace(self) -> Pace | None:
        """Where the fleet's world stands against the wall clock; None before it starts."""
        if self._pacing is None:
            return None
        behind = timedelta(seconds=self._monotonic() - self._pacing.wall_origin)
        wall = WallClock().now() - behind
        return Pace(at=self._pacing.sim_origin, wall=wall, speed=self._settings.speed)

    async def _announce(self, pace: Pace | None) -> None:
        """Retain `pace` on the broker; one refused costs the system the pace, not the fleet."""
        try:
            await announce(self._harness, pace, client_id=CLOCK_CLIENT)
        except aiomqtt.MqttError as exc:
            log.warning("the network's clock not announced (the system follows the wall): %s", exc)

    def stop(self) -> None:
        """Ask `wait()` to return (from a signal handler, say)."""
        self._stop.set()

    async def wait(self) -> None:
        """Return when the scenario has run to its end or `stop()` was called."""
        assert self._pace_task is not None, "enter the fleet first"
        stopped = asyncio.create_task(self._stop.wait(), name="fleet-stop")
        try:
            await asyncio.wait({self._pace_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()

    async def __aenter__(self) -> Self:
        self._tg = asyncio.TaskGroup()
        await self._tg.__aenter__()
        try:
            for client in self._clients():
                task = self._tg.create_task(client.run(), name=f"device:{client.user}")
                self._device_tasks.append(task)
            await self._all_ready()
            self._pacing = Pacing(self.simulator.now, self._monotonic(), self._settings.speed)
            await self._announce(self.pace())
            self._pace_task = self._tg.create_task(self._pace(), name="pace")
        except BaseException as exc:
            await self.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tg is None:
            return
        if self._pace_task is not None:
            self._pace_task.cancel()
            await self._announce(Pace(at=self.now(), wall=WallClock().now(), speed=1.0))
        cancelled = await self._drain() if exc is None else None
        await self._cancel_devices()
        tg, self._tg = self._tg, None
        try:
            # the body's own exception is not the group's: it propagates as itself
            await tg.__aexit__(None, None, None)
        except BaseExceptionGroup as group:
            device_errors, _ = group.split(DeviceError)
            if device_errors is None:
                raise
            first = device_errors.exceptions[0]
            raise (first if isinstance(first, DeviceError) else DeviceError(str(first))) from group
        if cancelled is not None:
            raise cancelled

    async def _cancel_devices(self) -> None:
        """Cancel every device task, again and again until each has ended.

        One `cancel()` is not always enough on Python 3.11: `asyncio.wait_for`
        (inside aiomqtt's connect and subscribe) can swallow a cancellation
        that arrives as its operation completes, and the device then waits on
        as if nothing happened, so the fleet never left. Seen in tests as a
        hang in 3 of 6 runs of a fleet with one refused device.
        """
        pending = {t for t in self._device_tasks if not t.done()}
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=CANCEL_RETRY_S)

    async def _drain(self) -> asyncio.CancelledError | None:
        """Publish what is queued, for at most `drain_timeout_s`.

        Returns the cancellation that cut it short (a device failing, or the
        caller), to be raised once the task group has been closed.
        """
        drained = [c.drained() for c in self._clients()]
        try:
            if not await _all_within(drained, self._settings.drain_timeout_s):
                left = sum(c.queued for c in self._clients())
                log.warning("fleet stopped with %d publishes undelivered", left)
        except asyncio.CancelledError as cancelled:
            return cancelled
        return None

    async def _all_ready(self) -> None:
        waits = [c.ready.wait() for c in self._clients()]
        if not await _all_within(waits, self._settings.connect_timeout_s):
            missing = sorted(c.user for c in self._clients() if not c.ready.is_set())
            raise DeviceError(
                f"{len(missing)} devices not connected after "
                f"{self._settings.connect_timeout_s} s, e.g. {missing[:3]}"
            )

    async def _pace(self) -> None:
        """Work out each step at its start; publish what it makes as it happens.

        The world steps a step ahead of the fleet's clock (to the end of the
        step under way, every step missed at once if the fleet fell behind),
        and each reading, order and proof of delivery goes out when the clock
        reaches its time, never before and not a step later: a scan is
        published when it is taken. So a command that arrives within a step
        takes effect from the step's end, as commands do between steps in a
        research run, and what it causes is never stamped before it came.
        """
        sim = self.simulator
        while sim.now < sim.end:
            pending = deque(_timeline(sim.advance(self.now() + sim.step)))
            while pending:
                now = self.now()
                due = []
                while pending and pending[0][0] <= now:
                    due.append(pending.popleft()[1])
                await self._publish(due)
                if pending:
                    await self._sleep_until(pending[0][0])
            await self._sleep_until(sim.now)

    async def _sleep_until(self, at: datetime) -> None:
        """Wait until the fleet's clock reaches `at`, looking at it every `tick_s` at most."""
        s = self._settings
        while (ahead := (min(at, self.simulator.end) - self.now()).total_seconds()) > 0:
            await asyncio.sleep(min(ahead / s.speed, s.tick_s))

    async def _publish(self, due: list[Reading | CustomerOrder | ProofOfDelivery]) -> None:
        """Publish what is due: readings, then the order gateway's orders and deliveries.

        Readings go per asset and channel, as a device gateway uploads them.
        """
        s = self._settings
        orders = [x for x in due if isinstance(x, CustomerOrder)]
        deliveries = [x for x in due if isinstance(x, ProofOfDelivery)]
        readings = [x for x in due if not isinstance(x, CustomerOrder | ProofOfDelivery)]
        self.readings += len(readings)
        batch = uploads(readings, max_batch=s.max_batch, telemetry_qos=s.telemetry_qos)
        for upload in batch:
            await self.devices[upload.asset_id].send(upload.channel, upload.payload, upload.qos)
        await self._publish_orders(orders, deliveries)

    async def _publish_orders(
        self, orders: list[CustomerOrder], deliveries: list[ProofOfDelivery]
    ) -> None:
        """Hand the frame's orders and proofs of delivery to the order gateway (QoS 1)."""
        self.orders += len(orders)
        self.deliveries += len(deliveries)
        for topic, payload in order_uploads(
            self._network, orders, deliveries, gateway_id=GATEWAY_ID
        ):
            await self.gateway.send_to(topic, payload, 1)

    def _clients(self) -> list[Publisher]:
        """Every MQTT client of the fleet: the devices, then the order gateway."""
        return [*self.devices.values(), self.gateway]

    def _execute(self, command: Command) -> str | None:
        try:
            self.simulator.execute([command])
        except ValueError as exc:
            return str(exc)
        log.info("executed command %s for %s", command.command_id, command.asset_id)
        return None


def _timeline(frame: SimFrame) -> list[tuple[datetime, Reading | CustomerOrder | ProofOfDelivery]]:
    """A frame's readings, orders and proofs of delivery by their time (readings in their order)."""
    out: list[tuple[datetime, Reading | CustomerOrder | ProofOfDelivery]] = [
        (r.ts, r) for r in frame.readings
    ]
    out += [(o.created_at, o) for o in frame.orders]
    out += [(d.ts, d) for d in frame.deliveries]
    return sorted(out, key=lambda item: item[0])


async def _all_within(waits: list[Coroutine[Any, Any, Any]], timeout_s: float) -> bool:
    """Whether every wait finished within `timeout_s`; those that did not are cancelled.

    Not `wait_for(gather(...))`: on Python 3.11 a timeout (or a cancellation
    from outside) leaves the cancelled gather's exception unretrieved, which
    asyncio reports as an error when it is collected.
    """
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        _, pending = await asyncio.wait(tasks, timeout=timeout_s)
    finally:
        for task in tasks:
            task.cancel()
    return not pending
