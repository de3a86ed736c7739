"""The ingest benchmarks' load: gateway messages of readings, published at QoS 1 by a child process.

The publisher shares the host's two cores with the consumers it measures,
so every microsecond it spends a reading is taken from them and lowers
what N consumers can show against one. It therefore writes the few MQTT
3.1.1 frames a QoS 1 publisher needs itself (`_Session`) and counts the
broker's PUBACKs in bulk, one thread and no event loop. 600,000 readings in
messages of 100 cost it 0.5 CPU s, two thirds of that the JSON, against
1.2 through paho's client driven synchronously (per-PUBACK callbacks,
properties and reason-code objects) and 2.3 through aiomqtt, whose
per-publish bookkeeping (paho's in-flight scan, aiomqtt's pending-call
scan) grows with the window; measured in one sitting on this host.

Messages: B readings from one of 20 assets at 4 sites (asset k at
`site-{k % 4}`), each reading stamped with the wall-clock time of its
message's publish, so a consumer's latency is publish to hand-off.
"""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import select
import socket
import struct
import time
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized

ASSETS = 20
SITES = 4
"""The stream's assets sit at 4 sites of 5 (asset k at `site-{k % 4}`), so
1, 2 and 4 partitioned consumers each get the same share of it."""

WINDOW = 64
"""Messages published and not yet acknowledged (PUBACK) at most: 64 of 100
readings keep a local broker busy."""

CONNECT_TIMEOUT_S = 30.0


def payload(seq0: int, batch: int, asset: str, stock: bool) -> bytes:
    """A gateway message of `batch` readings of `asset` from `seq0`, stamped now.

    The bytes `json.dumps` gives for these readings, written from a template:
    `json.dumps` of fresh dicts costs about 1.45 µs a reading against 0.2 µs
    for the template.
    """
    head, starts, values = _template(batch, asset, stock)
    ts = json.dumps(datetime.now(UTC).isoformat())
    body = ", ".join(f'{start}{seq0 + i}, "ts": {ts}, {values}' for i, start in enumerate(starts))
    return f"{head}{body}]}}".encode()


@functools.cache
def _template(batch: int, asset: str, stock: bool) -> tuple[str, tuple[str, ...], str]:
    """What `payload` writes around the sequence numbers and the time."""
    values = (
        {"kind": "stock_level", "product_id": "P1", "units": 100.0}
        if stock
        else {"kind": "temperature", "celsius": 20.0}
    )
    head = json.dumps({"v": 1, "gateway_id": f"gw-{asset}", "readings": []})[:-2]
    starts = tuple(
        json.dumps({"device_id": f"{asset}-t{i % 4}", "asset_id": asset, "seq": 0})[:-2]
        for i in range(batch)
    )
    return head, starts, json.dumps(values)[1:]


def topic(k: int, stock: bool) -> str:
    """The topic of message `k`: its asset's telemetry, or events for stock levels."""
    asset = k % ASSETS
    channel = "events" if stock else "telemetry"
    return f"supplysync/site-{asset % SITES}/machine/m{asset}/{channel}"


def publish(
    port: int,
    total: int,
    batch: int,
    rate: float | None,
    client_id: str,
    stock: bool,
    started: Synchronized[float],
) -> None:
    """Publish `total` readings in messages of `batch`, at `rate` readings/s or flat out.

    Returns once the broker has acknowledged every message. Sets `started`
    to the wall-clock time of the first publish.

    Raises:
        ConnectionError: the broker refused the session, did not answer in
            time, or closed the connection.
    """
    messages = total // batch
    heads = [_topic_field(topic(k, stock)) for k in range(ASSETS)]
    with _Session(port, client_id) as session:
        start = time.perf_counter()
        started.value = time.time()
        for k in range(messages):
            if rate is not None:
                while (delay := start + k * batch / rate - time.perf_counter()) > 0:
                    session.poll(delay)
            while k - session.acked >= WINDOW:
                session.poll(1.0)
            body = payload(k * batch, batch, f"m{k % ASSETS}", stock)
            session.publish(heads[k % ASSETS], k % 0xFFFF + 1, body)
        while session.acked < messages:
            session.poll(1.0)


class _Session:
    """An MQTT 3.1.1 connection that publishes at QoS 1 and counts the PUBACKs.

    Only what the load needs: CONNECT (clean session, no keep-alive: a run
    ends long before a broker would miss a ping), PUBLISH at QoS 1, PUBACK
    counted in bulk, DISCONNECT. Packet ids cycle through 1-65535; the
    window keeps them far from reuse.
    """

    def __init__(self, port: int, client_id: str) -> None:
        self.acked = 0
        self._pending = b""
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
        try:
            self._connect(port, client_id)
        except BaseException:
            self._sock.close()
            raise

    def _connect(self, port: int, client_id: str) -> None:
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        name = client_id.encode()
        connect = b"\x00\x04MQTT\x04\x02\x00\x00" + struct.pack("!H", len(name)) + name
        self._sock.sendall(b"\x10" + _length(len(connect)) + connect)
        connack = self._read_exactly(4)
        if connack[:2] != b"\x20\x02" or connack[3] != 0:
            raise ConnectionError(
                f"127.0.0.1:{port} refused the MQTT session: CONNACK {connack.hex()}"
            )
        self._sock.settimeout(None)

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(OSError):
            self._sock.sendall(b"\xe0\x00")
        self._sock.close()

    def publish(self, head: bytes, packet_id: int, body: bytes) -> None:
        """Send one PUBLISH at QoS 1 (`head`: the topic field, see `_topic_field`)."""
        rest = len(head) + 2 + len(body)
        self._sock.sendall(b"\x32" + _length(rest) + head + struct.pack("!H", packet_id) + body)

    def poll(self, timeout: float) -> None:
        """Count the PUBACKs that arrive within `timeout` seconds."""
        ready, _, _ = select.select([self._sock], [], [], timeout)
        if not ready:
            return
        data = self._pending + self._sock.recv(65536)
        if len(data) == len(self._pending):
            raise ConnectionError("the broker closed the connection")
        whole = len(data) // 4 * 4
        if data[0:whole:4] != b"\x40" * (whole // 4):
            raise ConnectionError(f"expected only PUBACKs from the broker, got {data[:8].hex()}")
        self.acked += whole // 4
        self._pending = data[whole:]

    def _read_exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self._sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the broker closed the connection")
            data += chunk
        return data


def _topic_field(name: str) -> bytes:
    """A PUBLISH's topic as MQTT writes it: two bytes of length, then UTF-8."""
    encoded = name.encode()
    return struct.pack("!H", len(encoded)) + encoded


def _length(n: int) -> bytes:
    """MQTT's "remaining length": 7 bits a byte, low first, high bit for "more follows"."""
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


class Publisher:
    """A child process publishing the load; knows when it published first (wall clock).

    A child of its own, so its CPU is not the consumer's (`os.times` of the
    parent counts it once joined).
    """

    def __init__(
        self, port: int, total: int, batch: int, rate: float | None, run: int, stock: bool = False
    ) -> None:
        spawn = multiprocessing.get_context("spawn")
        self._started: Synchronized[float] = spawn.Value("d", 0.0)
        self.process: BaseProcess = spawn.Process(
            target=publish,
            args=(port, total, batch, rate, f"bench-pub-{run}", stock, self._started),
            daemon=True,
        )
        self.process.start()

    def seconds_since_first_publish(self) -> float:
        """Wall-clock seconds from the first publish to now."""
        return time.time() - self._started.value
