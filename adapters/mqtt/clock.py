"""The network's clock over MQTT: a simulated fleet's pace, retained on one topic.

`supplysync devices` publishes its `Pace` retained (QoS 1) on `CLOCK_TOPIC`
when its world starts and again when it stops (from where it stopped, at
the wall's pace), so whoever subscribes, now or later, learns where the
network's time stands. Real devices announce nothing and the topic stays
empty: the network's clock is then the wall. An empty retained message
clears an announcement (`mosquitto_pub -r -n -t supplysync/clock`), which
an operator does once a demo broker goes into service.

The ACL lets the order gateway's user (the fleet's harness) write the topic
and the ingest's user read it; no device can move the network's time.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime

import aiomqtt
from pydantic import ValidationError

from adapters.mqtt.broker import Backoff, BrokerAddress
from adapters.mqtt.topics import ROOT
from supplysync.clock import NetworkClock, Pace
from supplysync.deadletters import DeadLetter, letter_id_of

log = logging.getLogger(__name__)

CLOCK_TOPIC = f"{ROOT}/clock"
CLIENT_ID = "supplysync-clock"


def encode(pace: Pace) -> bytes:
    return pace.model_dump_json().encode()


def decode(payload: bytes) -> Pace | None:
    """The pace in a retained payload; None for an empty one (no pace: the wall).

    Raises:
        ValueError: the payload is not a pace (pydantic's error names the field).
    """
    if not payload:
        return None
    try:
        return Pace.model_validate_json(payload)
    except ValidationError as exc:
        raise ValueError(f"not a clock pace: {exc}") from exc


async def announce(address: BrokerAddress, pace: Pace | None, *, client_id: str) -> None:
    """Publish `pace` retained on `CLOCK_TOPIC` (None clears it), QoS 1, and disconnect."""
    async with _client(address, client_id) as client:
        payload = b"" if pace is None else encode(pace)
        await client.publish(CLOCK_TOPIC, payload, qos=1, retain=True)


async def announced(address: BrokerAddress, *, client_id: str, wait_s: float = 1.0) -> Pace | None:
    """The pace retained on the broker now, None if there is none (or it is not a pace).

    A retained message arrives right after the subscription; `wait_s`
    bounds how long an empty topic is listened to.
    """
    async with _client(address, client_id) as client:
        await client.subscribe(CLOCK_TOPIC, qos=1)
        try:
            async with asyncio.timeout(wait_s):
                async for message in client.messages:
                    return decode(_bytes(message.payload))
        except (TimeoutError, ValueError):
            return None
    return None


class ClockFollower:
    """Keeps a `NetworkClock` on the pace retained on the broker, until cancelled.

    Args:
        address: the broker, logged in as a user that may read `CLOCK_TOPIC`.
        clock: the clock to keep on pace.
        refused: where a payload that is not a pace goes, as a dead letter
            stamped on `clock` (the clock keeps its pace).
        backoff: delays between reconnects.
        rng: chance for the backoff jitter.
        client_id: this follower's MQTT client id; every follower on one
            broker needs its own (a second client with the same id takes
            the first one's connection away), so each partitioned ingest
            consumer names one (`adapters.mqtt.workers`).
    """

    def __init__(
        self,
        *,
        address: BrokerAddress,
        clock: NetworkClock,
        refused: Callable[[DeadLetter], Awaitable[None]],
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        client_id: str = CLIENT_ID,
    ) -> None:
        self._address = address
        self._client_id = client_id
        self._clock = clock
        self._refused = refused
        self._backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self.heard = asyncio.Event()
        self._attempt = 0

    async def run(self) -> None:
        self._attempt = 0
        while True:
            try:
                await self._follow()
            except aiomqtt.MqttError as exc:
                delay = self._backoff.delay(self._attempt, self._rng)
                log.warning("clock: %s; again in %.1fs", exc, delay)
                self._attempt += 1
                await asyncio.sleep(delay)

    async def _follow(self) -> None:
        async with _client(self._address, self._client_id) as client:
            await client.subscribe(CLOCK_TOPIC, qos=1)
            self._attempt = 0  # subscribed: the next loss starts the backoff afresh
            async for message in client.messages:
                await self._take(_bytes(message.payload))

    async def _take(self, payload: bytes) -> None:
        try:
            pace = decode(payload)
        except ValueError as exc:
            at = self._clock.now()
            log.warning("clock: refused an announcement: %s", exc)
            await self._refused(_letter(payload, str(exc), at))
        else:
            self._clock.follow(pace)
            log.info("clock: %s", "the wall" if pace is None else pace.model_dump_json())
        self.heard.set()


def _client(address: BrokerAddress, client_id: str) -> aiomqtt.Client:
    """A clean-session client: a retained pace arrives on every subscription."""
    return aiomqtt.Client(
        address.host,
        address.port,
        username=address.username,
        password=address.password,
        identifier=client_id,
    )


def _letter(payload: bytes, reason: str, at: datetime) -> DeadLetter:
    return DeadLetter(
        letter_id=letter_id_of("mqtt", CLOCK_TOPIC, payload, at),
        source="mqtt",
        topic=CLOCK_TOPIC,
        raw=payload,
        reason=reason[:10_000],
        at=at,
    )


def _bytes(payload: object) -> bytes:
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    return str(payload).encode() if payload is not None else b""
