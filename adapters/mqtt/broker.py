"""Where the broker is and how to talk to it: URL, session, backoff.

Both the ingest and the dispatcher connect with a fixed client id and a
persistent MQTT 5 session (`clean_start=False` plus a session expiry), so
that QoS 1 messages published while a consumer is away (crashed, being
restarted) are queued by the broker and delivered when it comes back.
MQTT 5 rather than 3.1.1 because its `Receive Maximum` property lets the
client choose how many unacknowledged QoS 1 messages the broker may have in
flight to it: with manual acks after a group commit this window, not the
broker's default of 20, bounds throughput.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

DEFAULT_BROKER = "mqtt://127.0.0.1:1883"


@dataclass(frozen=True)
class BrokerAddress:
    """Host, port and optional credentials parsed from `mqtt://[user[:pass]@]host[:port]`."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """The address in `url`; `ValueError` naming what is wrong otherwise."""
        parts = urlsplit(url)
        if parts.scheme != "mqtt" or not parts.hostname:
            raise ValueError(f"Expected a broker URL mqtt://host[:port], got {url!r}.")
        try:
            port = parts.port or 1883
        except ValueError as exc:
            raise ValueError(f"Expected a port in 1..65535 in {url!r}.") from exc
        return cls(parts.hostname, port, parts.username, parts.password)


@dataclass(frozen=True)
class Session:
    """The persistent-session parameters of one MQTT client.

    Attributes:
        client_id: fixed, so the broker finds the session again on reconnect.
        expiry_s: how long the broker keeps the session (and queues QoS 1
            messages for it) while the client is away.
        receive_maximum: QoS 1 messages the broker may have unacknowledged
            in flight to us (MQTT 5 `Receive Maximum`).
        keepalive_s: MQTT keepalive; a dead broker is noticed within 1.5x.
    """

    client_id: str
    expiry_s: int = 86_400
    receive_maximum: int = 1_000
    keepalive_s: int = 15

    def __post_init__(self) -> None:
        if not 1 <= len(self.client_id) <= 64:
            raise ValueError(f"Expected a client id of 1..64 characters, got {self.client_id!r}.")
        if not 0 <= self.expiry_s <= 0xFFFFFFFF:
            raise ValueError(f"Expected 0 <= expiry_s <= 2**32-1, got {self.expiry_s}.")
        if not 1 <= self.receive_maximum <= 65_535:
            raise ValueError(f"Expected 1 <= receive_maximum <= 65535, got {self.receive_maximum}.")
        if not 5 <= self.keepalive_s <= 3600:
            raise ValueError(f"Expected 5 <= keepalive_s <= 3600, got {self.keepalive_s}.")


def client(address: BrokerAddress, session: Session, *, manual_ack: bool) -> aiomqtt.Client:
    """A not-yet-connected aiomqtt client resuming `session`.

    `manual_ack` turns on paho's manual acknowledgement on the client
    aiomqtt wraps. aiomqtt 2.x offers no switch for it (its issue #345): it
    lets paho PUBACK a QoS 1 message as soon as the message is queued in
    memory, so a crash loses it. With manual ack nothing is acknowledged
    until `Delivery.ack` is called, which the ingest does after the durable
    write. Must be called in a running event loop (aiomqtt captures it).
    """
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: untyped
    props.SessionExpiryInterval = session.expiry_s
    props.ReceiveMaximum = session.receive_maximum
    mqtt = aiomqtt.Client(
        address.host,
        address.port,
        username=address.username,
        password=address.password,
        identifier=session.client_id,
        protocol=aiomqtt.ProtocolVersion.V5,
        clean_start=False,
        properties=props,
        keepalive=session.keepalive_s,
    )
    paho(mqtt).manual_ack_set(manual_ack)
    return mqtt


def paho(mqtt: aiomqtt.Client) -> Any:
    """The paho client inside aiomqtt's (private, pinned by `aiomqtt>=2.3,<3`)."""
    return mqtt._client


@dataclass(frozen=True)
class Backoff:
    """Jittered exponential delays between reconnect attempts ("full jitter").

    Full jitter (a uniform draw below the exponential cap) spreads a fleet of
    consumers that lost the broker at the same instant, so they do not all
    knock again at the same instant.
    """

    initial_s: float = 0.1
    maximum_s: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.initial_s <= self.maximum_s:
            raise ValueError(
                f"Expected 0 < initial_s <= maximum_s, got {self.initial_s}, {self.maximum_s}."
            )

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        cap = min(self.maximum_s, self.initial_s * 2 ** min(attempt, 32))
        return rng.uniform(self.initial_s / 2, cap)
