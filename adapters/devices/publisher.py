"""One MQTT client at the edge that publishes from an outbox and stays connected.

A publisher keeps a fixed client id and a persistent session (clean session
off). It publishes what it is handed from an outbox, in order, and a publish
cut off by a disconnect is sent again after reconnecting: at least once, the
ingest drops duplicates (readings by `(asset_id, device_id, seq)`, orders by id).
Connection loss is retried with jittered exponential backoff; a refused
login is not, because retrying cannot cure it.

An asset's `Device` is a publisher that also follows its commands, and
acknowledges each to the broker only once it has carried it out
(`manual_ack`); the ERP's order gateway is a plain one.
"""

from __future__ import annotations

import asyncio
import logging
import random

import aiomqtt
from aiomqtt.exceptions import MqttConnectError

from adapters.devices.broker import BrokerAddress
from adapters.devices.errors import DeviceAuthError
from adapters.devices.settings import FleetSettings
from adapters.mqtt.broker import paho

log = logging.getLogger(__name__)

# CONNACK codes a retry cannot cure: MQTT 3.1.1 (4, 5) and MQTT 5 (0x86, 0x87)
AUTH_REFUSED = frozenset({4, 5, 0x86, 0x87})

_Item = tuple[str, bytes, int]


class Publisher:
    """An MQTT connection logged in as `user`. Run `run()` as a task; feed it with `send_to`.

    A subclass that sets `manual_ack` PUBACKs what it receives itself (paho's
    manual acknowledgement, on before the session resumes, so that nothing
    queued for it while away is acknowledged on arrival).

    Args:
        user: the MQTT user name it logs in as.
        client_id: its fixed client id (the persistent session's key).
        broker: where to connect.
        password: the user's secret, or None for a broker without passwords.
        settings: outbox size, backoff and timeouts.
        rng: chance for the backoff jitter.
    """

    def __init__(
        self,
        *,
        user: str,
        client_id: str,
        broker: BrokerAddress,
        password: str | None,
        settings: FleetSettings,
        rng: random.Random,
    ) -> None:
        self.user = user
        self._client_id = client_id
        self._broker = broker
        self._password = password
        self._settings = settings
        self._rng = rng
        self._outbox: asyncio.Queue[_Item] = asyncio.Queue(settings.outbox)
        self._pending: _Item | None = None
        self.ready = asyncio.Event()
        self.published = 0
        self.connects = 0

    manual_ack = False

    async def send_to(self, topic: str, payload: bytes, qos: int) -> None:
        """Queue a publish; waits while the outbox is full (back-pressure on the fleet)."""
        await self._outbox.put((topic, payload, qos))

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
            DeviceAuthError: the broker refused this user's credentials.
        """
        failures = 0
        while True:
            connects = self.connects
            try:
                await self._session()
                raise aiomqtt.MqttError("session ended")
            except MqttConnectError as exc:
                if getattr(exc.rc, "value", exc.rc) in AUTH_REFUSED:
                    raise DeviceAuthError(f"broker refused device {self.user!r}: {exc}") from exc
                error: aiomqtt.MqttError = exc
            except aiomqtt.MqttError as exc:
                error = exc
            failures = 1 if self.connects > connects else failures + 1
            await self._backoff(failures, error)

    async def _subscribe(self, client: aiomqtt.Client) -> None:
        """Subscribe to what this client receives, before it counts as connected."""

    async def _on_message(self, client: aiomqtt.Client, message: aiomqtt.Message) -> None:
        """Handle a message of a subscription (a device's command); none by default."""

    async def _session(self) -> None:
        s = self._settings
        client = aiomqtt.Client(
            self._broker.host,
            self._broker.port,
            username=self.user,
            password=self._password,
            identifier=self._client_id,
            clean_session=False,
            keepalive=s.keepalive_s,
            timeout=s.connect_timeout_s,
        )
        paho(client).manual_ack_set(self.manual_ack)
        async with client:
            await self._subscribe(client)
            self.connects += 1
            self.ready.set()
            try:
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(self._publish(client), name=f"publish:{self.user}")
                    tg.create_task(self._receive(client), name=f"receive:{self.user}")
            except ExceptionGroup as group:
                mqtt, rest = group.split(aiomqtt.MqttError)
                if rest is not None or mqtt is None:
                    raise
                raise mqtt.exceptions[0] from group

    async def _receive(self, client: aiomqtt.Client) -> None:
        """Take what arrives; also how a lost connection is noticed while idle.

        aiomqtt reports a dropped connection by raising from the message
        iterator; a publisher with nothing to send and no iterator would sit
        on a dead connection until its next publish.
        """
        async for message in client.messages:
            await self._on_message(client, message)

    async def _publish(self, client: aiomqtt.Client) -> None:
        while True:
            if self._pending is None:
                self._pending = await self._outbox.get()
            topic, payload, qos = self._pending
            await client.publish(topic, payload, qos=qos)
            self._pending = None
            self._outbox.task_done()
            self.published += 1

    async def _backoff(self, failures: int, exc: Exception) -> None:
        s = self._settings
        ceiling = min(s.backoff_max_s, s.backoff_min_s * 2 ** min(failures - 1, 30))
        delay = self._rng.uniform(s.backoff_min_s, ceiling)  # full jitter above the floor
        log.warning("device %s: %s; reconnecting in %.1f s", self.user, exc, delay)
        await asyncio.sleep(delay)
