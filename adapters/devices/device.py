"""One asset's MQTT device: its own connection, credentials and topics.

A device is a `Publisher` logged in as its asset id that publishes on its own
topics and also follows commands: subscribed to its `cmd` topic (the
persistent session keeps commands published while it was away), it carries
each out and answers on its `ack` topic.
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
from adapters.mqtt.topics import Channel, Topic
from supplysync.commands import Command

log = logging.getLogger(__name__)

Executor = Callable[[Command], str | None]
"""Carries out a command; returns None when done, or the reason it was rejected."""


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

    async def send(self, channel: Channel, payload: bytes, qos: int) -> None:
        """Queue a publish on one of the asset's own channels."""
        await self.send_to(str(self._home.on(channel)), payload, qos)

    async def _subscribe(self, client: aiomqtt.Client) -> None:
        await client.subscribe(str(self._home.on("cmd")), qos=1)

    async def _on_message(self, client: aiomqtt.Client, message: aiomqtt.Message) -> None:
        """A command: acknowledge it, carry it out, answer with the outcome."""
        command = decode_command(message.payload, self.asset_id)
        if isinstance(command, Refusal):
            log.warning("device %s refused a command: %s", self.asset_id, command.reason)
            if command.command_id is not None:
                await self._ack(client, command.command_id, "rejected", command.reason)
            return
        await self._ack(client, command.command_id, "received")
        reason = self._execute(command)
        status: AckStatus = "done" if reason is None else "rejected"
        await self._ack(client, command.command_id, status, reason or "")

    async def _ack(
        self, client: aiomqtt.Client, command_id: str, status: AckStatus, reason: str = ""
    ) -> None:
        payload = ack(command_id, self.asset_id, self._now(), status, reason)
        await client.publish(str(self._home.on("ack")), payload, qos=1)
