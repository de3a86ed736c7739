"""One asset's MQTT device: its own connection, credentials and topics.

A device is a `Publisher` logged in as its asset id that publishes on its own
topics and also follows commands: subscribed to its `cmd` topic (the
persistent session keeps commands published while it was away), it carries
each out and answers on its `ack` topic.

A command is acknowledged to the broker (PUBACK) only after it was carried
out and its outcome was accepted by the broker, not on arrival as aiomqtt
would (aiomqtt#345): a device that dies in between gets the command again
when its session resumes, where it would otherwise be lost with only its
`received` answer on record. A command id answered before is answered
again with the same outcome and not carried out twice (a redelivery after
a PUBACK lost in a reconnect).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime

import aiomqtt

from adapters.devices.broker import BrokerAddress
from adapters.devices.publisher import Publisher
from adapters.devices.settings import FleetSettings
from adapters.devices.wire import AckStatus, Refusal, ack, decode_command
from adapters.mqtt.broker import paho
from adapters.mqtt.topics import Channel, Topic
from supplysync.commands import Command

log = logging.getLogger(__name__)

Executor = Callable[[Command], str | None]
"""Carries out a command; returns None when done, or the reason it was rejected."""

REMEMBERED = 1000
"""Outcomes of this many recent commands are kept to answer a redelivery."""


class Device(Publisher):
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

    manual_ack = True

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
        super().__init__(
            user=home.asset_id,
            client_id=f"supplysync-device-{home.asset_id}",
            broker=broker,
            password=password,
            settings=settings,
            rng=rng,
        )
        self.asset_id = home.asset_id
        self._home = home
        self._execute = execute
        self._now = now
        self._answered: dict[str, tuple[AckStatus, str]] = {}

    async def send(self, channel: Channel, payload: bytes, qos: int) -> None:
        """Queue a publish on one of the asset's own channels."""
        await self.send_to(str(self._home.on(channel)), payload, qos)

    async def _subscribe(self, client: aiomqtt.Client) -> None:
        await client.subscribe(str(self._home.on("cmd")), qos=1)

    async def _on_message(self, client: aiomqtt.Client, message: aiomqtt.Message) -> None:
        """A command: answer `received`, carry it out, answer the outcome, then PUBACK it."""
        await self._follow(client, message.payload)
        if message.qos:
            paho(client).ack(message.mid, message.qos)

    async def _follow(self, client: aiomqtt.Client, payload: object) -> None:
        command = decode_command(payload, self.asset_id)
        if isinstance(command, Refusal):
            log.warning("device %s refused a command: %s", self.asset_id, command.reason)
            if command.command_id is not None:
                await self._ack(client, command.command_id, "rejected", command.reason)
            return
        answered = self._answered.get(command.command_id)
        if answered is not None:
            await self._ack(client, command.command_id, *answered)
            return
        await self._ack(client, command.command_id, "received")
        reason = self._execute(command)
        status: AckStatus = "done" if reason is None else "rejected"
        self._answered[command.command_id] = (status, reason or "")
        while len(self._answered) > REMEMBERED:
            del self._answered[next(iter(self._answered))]
        await self._ack(client, command.command_id, status, reason or "")

    async def _ack(
        self, client: aiomqtt.Client, command_id: str, status: AckStatus, reason: str = ""
    ) -> None:
        payload = ack(command_id, self.asset_id, self._now(), status, reason)
        await client.publish(str(self._home.on("ack")), payload, qos=1)
