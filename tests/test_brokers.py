"""The private broker fixture itself: it starts, carries messages, and survives a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.brokers import PrivateBroker
from tests.services import executable


def _pub(broker: PrivateBroker, topic: str, message: str, *extra: str) -> None:
    cmd = [executable("mosquitto_pub"), "-p", str(broker.port), "-t", topic, "-m", message]
    subprocess.run([*cmd, *extra], check=True, timeout=10)


def _sub_one(broker: PrivateBroker, topic: str, *extra: str) -> str:
    cmd = [executable("mosquitto_sub"), "-p", str(broker.port), "-t", topic, "-C", "1"]
    out = subprocess.run([*cmd, "-W", "5", *extra], check=True, timeout=10, capture_output=True)
    return out.stdout.decode().strip()


def test_queued_qos1_message_survives_a_sigterm_restart(tmp_path: Path) -> None:
    session = ["-i", "probe", "-c", "-q", "1"]  # fixed id, persistent session
    with PrivateBroker(tmp_path) as broker:
        subprocess.run(  # register the session and its subscription, then leave
            [executable("mosquitto_sub"), "-p", str(broker.port), "-t", "t/x", *session, "-E"],
            check=True,
            timeout=10,
        )
        _pub(broker, "t/x", "kept", "-q", "1")
        broker.restart()
        assert _sub_one(broker, "t/x", *session) == "kept"
