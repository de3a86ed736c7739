"""The ingest benchmarks' load: payloads are the JSON of their readings; every message arrives."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from adapters.mqtt.codec import Readings, decode
from benchmarks.load import WINDOW, _length, payload, publish, topic
from tests.brokers import PrivateBroker, free_port


def _reference(seq0: int, batch: int, asset: str, stock: bool, ts: str) -> bytes:
    values = (
        {"kind": "stock_level", "product_id": "P1", "units": 100.0}
        if stock
        else {"kind": "temperature", "celsius": 20.0}
    )
    readings = [
        {"device_id": f"{asset}-t{i % 4}", "asset_id": asset, "seq": seq0 + i, "ts": ts, **values}
        for i in range(batch)
    ]
    return json.dumps({"v": 1, "gateway_id": f"gw-{asset}", "readings": readings}).encode()


@pytest.mark.parametrize(
    ("seq0", "batch", "stock"), [(0, 1, False), (700, 100, False), (5, 7, True)]
)
def test_a_payload_is_byte_for_byte_the_json_of_its_readings(
    seq0: int, batch: int, stock: bool
) -> None:
    message = payload(seq0, batch, "m3", stock)
    ts = json.loads(message)["readings"][0]["ts"]
    assert message == _reference(seq0, batch, "m3", stock, ts)
    assert abs((datetime.fromisoformat(ts) - datetime.now(UTC)).total_seconds()) < 60
    topic = f"supplysync/site-3/machine/m3/{'events' if stock else 'telemetry'}"
    decoded = decode(topic, message, at=datetime.now(UTC), n=0)
    assert isinstance(decoded, Readings)
    assert [r.seq for r in decoded.readings] == list(range(seq0, seq0 + batch))


def _receive(
    broker: PrivateBroker, messages: int, ready: threading.Event
) -> list[mqtt.MQTTMessage]:
    got: list[mqtt.MQTTMessage] = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="load-test-sub")
    client.on_message = lambda _c, _u, m: got.append(m)
    client.on_subscribe = lambda *_: ready.set()
    client.connect("127.0.0.1", broker.port)
    client.subscribe("supplysync/#", qos=1)
    deadline = time.monotonic() + 60
    while len(got) < messages and time.monotonic() < deadline:
        client.loop(0.1)
    client.disconnect()
    return got


@pytest.mark.parametrize(("rate", "stock"), [(None, False), (2_000.0, True)])
def test_the_publisher_delivers_every_message_in_order_at_its_rate(
    tmp_path: Path, rate: float | None, stock: bool
) -> None:
    batch, total = 10, 1_000  # 100 messages: more than the window of messages in flight
    assert total // batch > WINDOW
    with PrivateBroker(tmp_path) as broker:
        ready = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            receiving = pool.submit(_receive, broker, total // batch, ready)
            assert ready.wait(30)
            started: Synchronized[float] = multiprocessing.Value("d", 0.0)
            before = time.perf_counter()
            publish(broker.port, total, batch, rate, "load-test-pub", stock, started)
            took = time.perf_counter() - before
            got = receiving.result(timeout=60)
    assert abs(started.value - time.time()) < 60
    assert len(got) == total // batch
    assert [m.topic for m in got] == [topic(k, stock) for k in range(total // batch)]
    seqs = [r["seq"] for m in got for r in json.loads(m.payload)["readings"]]
    assert seqs == list(range(total))
    kinds = {r["kind"] for m in got for r in json.loads(m.payload)["readings"]}
    assert kinds == {"stock_level" if stock else "temperature"}
    if rate is not None:  # the last message is due (messages - 1) * batch / rate after the first
        assert took >= (total // batch - 1) * batch / rate


def test_the_publisher_says_when_no_broker_answers() -> None:
    started: Synchronized[float] = multiprocessing.Value("d", 0.0)
    with pytest.raises(ConnectionRefusedError):
        publish(free_port(), 100, 10, None, "load-test-nobody", False, started)


def test_the_publisher_says_when_the_broker_refuses_the_session(tmp_path: Path) -> None:
    started: Synchronized[float] = multiprocessing.Value("d", 0.0)
    with (
        PrivateBroker(tmp_path, allow_anonymous=False) as broker,
        pytest.raises(ConnectionError, match="refused the MQTT session: CONNACK 20020005"),
    ):
        publish(broker.port, 100, 10, None, "load-test-anonymous", False, started)
    assert started.value == 0.0


@pytest.mark.parametrize(
    ("n", "encoded"),
    [
        (0, "00"),
        (127, "7f"),
        (128, "8001"),
        (16_383, "ff7f"),
        (16_384, "808001"),
        (2_097_151, "ffff7f"),
        (2_097_152, "80808001"),
    ],
)
def test_remaining_lengths_are_written_as_the_mqtt_spec_tabulates(n: int, encoded: str) -> None:
    assert _length(n).hex() == encoded
