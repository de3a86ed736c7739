"""Broker URL, session and backoff settings."""

from __future__ import annotations

import random

import pytest

from adapters.mqtt.broker import Backoff, BrokerAddress, Session
from adapters.mqtt.ingest import ChannelQos


def test_a_broker_url_with_credentials_parses() -> None:
    address = BrokerAddress.parse("mqtt://ingest:s3cret@broker.local:8883")
    assert address == BrokerAddress("broker.local", 8883, "ingest", "s3cret")
    assert BrokerAddress.parse("mqtt://localhost").port == 1883


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:1883",  # not MQTT
        "mqtt://:1883",  # no host
        "mqtt://localhost:99999",  # no such port
    ],
)
def test_a_bad_broker_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="Expected"):
        BrokerAddress.parse(url)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_id": ""}, "client id of 1..64"),  # the session needs a name
        ({"client_id": "x", "receive_maximum": 0}, "receive_maximum"),  # nothing could arrive
        ({"client_id": "x", "expiry_s": -1}, "expiry_s"),  # no negative lifetimes
        ({"client_id": "x", "keepalive_s": 1}, "keepalive_s"),  # too chatty
    ],
)
def test_session_settings_are_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Session(**kwargs)  # type: ignore[arg-type]


def test_state_changing_channels_must_be_qos_1() -> None:
    assert ChannelQos(telemetry=1).telemetry == 1
    with pytest.raises(ValueError, match="QoS 1 for the state-changing"):
        ChannelQos(events=0)
    with pytest.raises(ValueError, match="telemetry QoS 0 or 1"):
        ChannelQos(telemetry=2)


def test_backoff_grows_to_its_cap_with_jitter_below_it() -> None:
    backoff = Backoff(initial_s=0.1, maximum_s=2.0)
    rng = random.Random(1)
    delays = [backoff.delay(attempt, rng) for attempt in range(12) for _ in range(20)]
    assert all(0.05 <= d <= 2.0 for d in delays)
    assert max(delays[:20]) <= 0.1  # first attempt: at most the initial delay
    assert max(delays[-20:]) > 1.0  # late attempts spread up to the cap
    assert len(set(delays)) == len(delays)  # jittered, not lock-step
    with pytest.raises(ValueError, match="initial_s <= maximum_s"):
        Backoff(initial_s=5, maximum_s=1)
