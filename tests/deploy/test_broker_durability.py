"""A broker killed with SIGKILL keeps what it queued, within the shipped config's window.

With `autosave_interval 10` and `autosave_on_changes false` a broker killed
one second after acknowledging 1,000 queued QoS 1 readings lost all 1,000
The shipped config now saves its store after every
`autosave_interval` changes, so at most that many acknowledged messages
less one are at risk. The test runs the persistence lines of
`deploy/mosquitto/mosquitto.conf` themselves.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tests.brokers import PrivateBroker
from tests.deploy.acl_broker import PRODUCTION_CONF

BACKLOG = 1_000


def _shipped(key: str) -> str:
    (value,) = [
        line.split()[1] for line in PRODUCTION_CONF.read_text().splitlines() if line.startswith(key)
    ]
    return value


def _client(port: int, client_id: str) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def _close(client: mqtt.Client) -> None:
    client.disconnect()
    client.loop_stop()
    client.reinitialise()  # closes the loop thread's socket pair too


def test_a_killed_broker_keeps_its_backlog_but_the_shipped_window(tmp_path: Path) -> None:
    window = int(_shipped("autosave_interval"))
    assert _shipped("autosave_on_changes") == "true" and window <= 100
    lines = f"autosave_interval {window}\nautosave_on_changes {_shipped('autosave_on_changes')}"
    broker = PrivateBroker(tmp_path, extra_conf=lines)
    broker.conf.write_text(broker.conf.read_text().replace("autosave_interval 0\n", ""))
    with broker:
        ingest = _client(broker.port, "ingest")  # subscribes, then goes away: a backlog builds
        ingest.subscribe("supplysync/#", qos=1)[1]
        time.sleep(0.3)
        _close(ingest)
        device = _client(broker.port, "W-DUI")
        sent = [device.publish("supplysync/W-DUI/events", str(i), qos=1) for i in range(BACKLOG)]
        for info in sent:
            info.wait_for_publish(30)
        assert all(info.is_published() for info in sent)  # every one acknowledged
        _close(device)
        time.sleep(1.0)
        broker.stop(signal.SIGKILL)
        broker.start()
        got: list[bytes | bytearray] = []
        ingest = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="ingest", clean_session=False)
        ingest.on_message = lambda _c, _u, message: got.append(message.payload)
        ingest.connect("127.0.0.1", broker.port)
        ingest.loop_start()
        deadline, seen = time.monotonic() + 10, -1
        while len(got) < BACKLOG and len(got) != seen and time.monotonic() < deadline:
            seen = len(got)
            time.sleep(0.5)  # until nothing more comes for half a second
        _close(ingest)
    lost = BACKLOG - len(set(got))
    assert lost < window, f"{lost} of {BACKLOG} acknowledged messages lost"
