"""The ingest benchmarks' load: gateway messages of readings, published at QoS 1 by a child process.

The publisher shares the host's two cores with the consumers it measures,
so every microsecond it spends a reading is taken from them and lowers
what N consumers can show against one. It therefore uses paho's client
synchronously, one thread and no event loop, with a window of messages in
flight that it waits on itself. The same 600,000 readings in messages of
100 cost 1.3 CPU s this way against 2.3 through aiomqtt, whose per-publish
bookkeeping (paho's in-flight scan, aiomqtt's pending-call scan) grows
with the window (measured on this host in one sitting).

Messages: B readings from one of 20 assets at 4 sites (asset k at
`site-{k % 4}`), each reading stamped with the wall-clock time of its
message's publish, so a consumer's latency is publish to hand-off.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import time
from datetime import UTC, datetime
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

ASSETS = 20
SITES = 4
"""The stream's assets sit at 4 sites of 5 (asset k at `site-{k % 4}`), so
1, 2 and 4 partitioned consumers each get the same share of it."""

WINDOW = 64
"""Messages published and not yet acknowledged (PUBACK) at most. 64 of 100
readings keep a local broker busy; a larger window only lengthens paho's
per-publish scan of the messages in flight."""

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
        ConnectionError: the broker refused or did not answer in time.
    """
    acked = 0

    def on_publish(*_: object) -> None:
        nonlocal acked
        acked += 1

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    client.max_inflight_messages_set(WINDOW)
    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while not client.is_connected():
        _serve(client, 0.05)
        if time.monotonic() > deadline:
            raise ConnectionError(f"no MQTT session with 127.0.0.1:{port} in {CONNECT_TIMEOUT_S} s")
    messages = total // batch
    start = time.perf_counter()
    started.value = time.time()
    for k in range(messages):
        if rate is not None:
            while (delay := start + k * batch / rate - time.perf_counter()) > 0:
                _serve(client, delay)
        while k - acked >= WINDOW:
            _serve(client, 1.0)
        client.publish(topic(k, stock), payload(k * batch, batch, f"m{k % ASSETS}", stock), qos=1)
    while acked < messages:
        _serve(client, 1.0)
    client.disconnect()


def _serve(client: mqtt.Client, timeout: float) -> None:
    """Read and write what the socket allows, waiting up to `timeout` s for it.

    Raises:
        ConnectionError: the connection is lost (an unacknowledged message
            would otherwise be waited for forever).
    """
    rc = client.loop(timeout)
    if rc != mqtt.MQTT_ERR_SUCCESS:
        raise ConnectionError(f"MQTT connection lost: {mqtt.error_string(rc)}")


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
