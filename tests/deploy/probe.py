"""A blocking MQTT 5 client for ACL tests: it reports the broker's reason codes.

aiomqtt does not surface PUBACK reason codes, and an ACL refusal of a
publish is visible only there (MQTT 5 `not authorized`, 0x87) or as the
message never arriving; paho's callbacks give both.
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Any, Self

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

TIMEOUT_S = 5.0
NO_SUBSCRIBERS = 0x10  # a success: accepted, but nobody subscribed
NOT_AUTHORIZED = 0x87


class Probe:
    """One MQTT 5 connection as `user`; `connack` is the broker's answer to the login."""

    def __init__(self, port: int, user: str, password: str | None) -> None:
        self._client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5
        )
        self._client.username_pw_set(user, password)
        self._connected = threading.Event()
        self.connack: int | None = None
        self._acks: dict[int, queue.Queue[list[int]]] = {}
        self._lock = threading.Lock()
        self.messages: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._client.on_connect = self._on_connect
        self._client.on_publish = self._on_ack
        self._client.on_subscribe = self._on_ack
        self._client.on_message = lambda _c, _u, m: self.messages.put(m)
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()
        if not self._connected.wait(TIMEOUT_S):
            raise TimeoutError("no CONNACK")

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> int:
        """Publish and return the PUBACK reason code (below 0x80 accepted, 0x87 refused).

        The first publish after a refused one on the same connection takes
        about a second to be acknowledged (paho 2.2 with mosquitto 2.0.11),
        so tests publish refused messages last, one per connection.
        """
        with self._lock:
            info = self._client.publish(topic, payload, qos=qos)
            waiter = self._acks.setdefault(info.mid, queue.Queue())
        return waiter.get(timeout=TIMEOUT_S)[0]

    def subscribe(self, topic: str, qos: int = 1) -> int:
        """Subscribe and return the SUBACK reason code (the granted QoS, or >= 0x80)."""
        with self._lock:
            _, mid = self._client.subscribe(topic, qos=qos)
            assert mid is not None
            waiter = self._acks.setdefault(mid, queue.Queue())
        return waiter.get(timeout=TIMEOUT_S)[0]

    def received(self, wait_s: float) -> list[tuple[str, bytes]]:
        """Everything delivered within `wait_s` seconds from now, as (topic, payload)."""
        out: list[tuple[str, bytes]] = []
        try:
            while True:
                m = self.messages.get(timeout=wait_s)
                out.append((m.topic, bytes(m.payload)))
        except queue.Empty:
            return out

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connack = reason.value
        self._connected.set()

    def _on_ack(self, _c: Any, _u: Any, mid: int, reasons: Any, _p: Any) -> None:
        codes = [r.value for r in reasons] if isinstance(reasons, list) else [reasons.value]
        with self._lock:
            self._acks.setdefault(mid, queue.Queue()).put(codes)

    def close(self) -> None:
        """Disconnect, stop the network thread and close every socket the client holds.

        Besides the connection, paho's thread wakes on a socket pair of its
        own that only the client's finaliser closes. A probe and its client
        form a reference cycle (the callbacks), and the collector may
        finalise those sockets before the client: each then warns
        (ResourceWarning), at whatever later test happens to collect, which
        failed CI. `reinitialise` closes them all now.
        """
        self._client.disconnect()
        self._client.loop_stop()
        self._client.reinitialise()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
