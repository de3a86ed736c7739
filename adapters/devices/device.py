"""One asset's MQTT device: its own connection, credentials and topics.

A device keeps a fixed client id and a persistent session (clean session
off), so commands published while it was away are delivered when it comes
back. It publishes what the fleet hands it from an outbox, in order, and a
publish cut off by a disconnect is sent again after reconnecting: at least
once, the ingest drops duplicates by `(device_id, seq)`. Connection loss is
retried with jittered exponential backoff; a refused login is not, because
retrying cannot cure it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import datetime

import aiomqtt
from aiomqtt.exceptions import MqttConnectError

from adapters.devices.broker import BrokerAddress
from adapters.devices.errors import DeviceAuthError
from adapters.devices.settings import FleetSettings
from adapters.devices.wire import AckStatus, Refusal, ack, decode_command
from adapters.mqtt.topics import Channel, Topic
from supplysync.commands import Command

log = logging.getLogger(__name__)

# CONNACK codes a retry cannot cure: MQTT 3.1.1 (4, 5) and MQTT 5 (0x86, 0x87)
AUTH_REFUSED = frozenset({4, 5, 0x86, 0x87})
Executor = Callable[[Command], str | None]
"""Carries out a command; returns None when done, or the reason it was rejected."""

_Item = tuple[Channel, bytes, int]


class Device:
    """The MQTT side of one asset. Run `run()` as a task; feed it with `send`.

    Args:
        home: any topic of the asset (fixes site, kind and id).
        broker: where to connect.
        password: the asset's secret, or None for a broker without passwords.
        settings: QoS, outbox size, backoff and timeouts.
        execute: carries out a received command (see `Executor`).
        now: the fleet's clock, stamped on acks.
        rng: chance for the backoff jitter.
    """

    def __init__(
        self,
        *,
        home: Topic,
        broker: BrokerAddress,
        password: str | None,
        settings: FleetSettings,
        execute: Executor,
        now: Callable[[], datetime],
        rng: random.Random,
    ) -> None:
        self.asset_id = home.asset_id
        self._home = home
        self._broker = broker
        self._password = password
        self._settings = settings
        self._execute = execute
        self._now = now
        self._rng = rng
        self._outbox: asyncio.Queue[_Item] = asyncio.Queue(settings.outbox)
        self._pending: _Item | None = None
        self.ready = asyncio.Event()
        self.published = 0
        self.connects = 0

    async def send(self, channel: Channel, payload: bytes, qos: int) -> None:
        """Queue a publish; waits while the outbox is full (back-pressure on the fleet)."""
        await self._outbox.put((channel, payload, qos))

    @property
    def queued(self) -> int:
        """Publishes waiting in the outbox or cut off by a disconnect."""
        return self._outbox.qsize() + (self._pending is not None)

    async def drained(self) -> None:
        """Return once everything queued so far has been published."""
        await self._outbox.join()

    async def run(self) -> None:
        """Stay connected until cancelled.

        Raises:
            DeviceAuthError: the broker refused this device's credentials.
        """
        failures = 0
        while True:
            connects = self.connects
            try:
                await self._session()
                raise aiomqtt.MqttError("session ended")
            except MqttConnectError as exc:
                if getattr(exc.rc, "value", exc.rc) in AUTH_REFUSED:
                    raise DeviceAuthError(
                        f"broker refused device {self.asset_id!r}: {exc}"
                    ) from exc
                error: aiomqtt.MqttError = exc
            except aiomqtt.MqttError as exc:
                error = exc
            failures = 1 if self.connects > connects else failures + 1
            await self._backoff(failures, error)

    async def _session(self) -> None:
        s = self._settings
        async with aiomqtt.Client(
            self._broker.host,
            self._broker.port,
            username=self.asset_id,
            password=self._password,
            identifier=f"supplysync-device-{self.asset_id}",
            clean_session=False,
            keepalive=s.keepalive_s,
            timeout=s.connect_timeout_s,
        ) as client:
            await client.subscribe(str(self._home.on("cmd")), qos=1)
            self.connects += 1
            self.ready.set()
            try:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self._publish(client), name=f"publish:{self.asset_id}")
                    tg.create_task(self._commands(client), name=f"commands:{self.asset_id}")
            except ExceptionGroup as group:
                mqtt, rest = group.split(aiomqtt.MqttError)
                if rest is not None or mqtt is None:
                    raise
                raise mqtt.exceptions[0] from group

    async def _publish(self, client: aiomqtt.Client) -> None:
        while True:
            if self._pending is None:
                self._pending = await self._outbox.get()
            channel, payload, qos = self._pending
            await client.publish(str(self._home.on(channel)), payload, qos=qos)
            self._pending = None
            self._outbox.task_done()
            self.published += 1

    async def _commands(self, client: aiomqtt.Client) -> None:
        async for message in client.messages:
            command = decode_command(message.payload, self.asset_id)
            if isinstance(command, Refusal):
                log.warning("device %s refused a command: %s", self.asset_id, command.reason)
                if command.command_id is not None:
                    await self._ack(client, command.command_id, "rejected", command.reason)
                continue
            await self._ack(client, command.command_id, "received")
            reason = self._execute(command)
            status: AckStatus = "done" if reason is None else "rejected"
            await self._ack(client, command.command_id, status, reason or "")

    async def _ack(
        self, client: aiomqtt.Client, command_id: str, status: AckStatus, reason: str = ""
    ) -> None:
        payload = ack(command_id, self.asset_id, self._now(), status, reason)
        await client.publish(str(self._home.on("ack")), payload, qos=1)

    async def _backoff(self, failures: int, exc: Exception) -> None:
        s = self._settings
        ceiling = min(s.backoff_max_s, s.backoff_min_s * 2 ** min(failures - 1, 30))
        delay = self._rng.uniform(s.backoff_min_s, ceiling)  # full jitter above the floor
        log.warning("device %s: %s; reconnecting in %.1f s", self.asset_id, exc, delay)
        await asyncio.sleep(delay)
