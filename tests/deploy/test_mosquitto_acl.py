"""The shipped ACL and generated passwords, enforced by a real Mosquitto.

Demo assets used: M-DUI-1 and M-DUI-2 (machines of plant P-DUI), W-DUI (a
warehouse, its own site).
"""

from __future__ import annotations

import pytest

from adapters.devices.broker_config import DISPATCH_USER, INGEST_USER, ORDERS_USER
from adapters.devices.credentials import Credentials
from adapters.mqtt.clock import CLOCK_TOPIC
from tests.brokers import PrivateBroker
from tests.deploy.probe import NO_SUBSCRIBERS, NOT_AUTHORIZED, Probe

M1_TELEMETRY = "supplysync/P-DUI/machine/M-DUI-1/telemetry"
M2_TELEMETRY = "supplysync/P-DUI/machine/M-DUI-2/telemetry"
M2_EVENTS = "supplysync/P-DUI/machine/M-DUI-2/events"
M1_CMD = "supplysync/P-DUI/machine/M-DUI-1/cmd"
M2_CMD = "supplysync/P-DUI/machine/M-DUI-2/cmd"
ESSEN_ORDERS = "supplysync/C-ESSEN/customer/C-ESSEN/orders"
QUIET_S = 0.5  # how long "nothing arrives" is watched for

Secured = tuple[PrivateBroker, Credentials]


def _login(secured: Secured, user: str) -> Probe:
    broker, creds = secured
    return Probe(broker.port, user, creds.secret(user))


def test_device_telemetry_reaches_the_ingest(secured: Secured) -> None:
    with _login(secured, INGEST_USER) as ingest, _login(secured, "M-DUI-1") as device:
        assert ingest.subscribe("supplysync/+/+/+/telemetry") == 1
        assert device.publish(M1_TELEMETRY, b"m1") == 0
        assert ingest.received(QUIET_S) == [(M1_TELEMETRY, b"m1")]


def test_publishing_on_another_devices_topic_is_refused(secured: Secured) -> None:
    with (
        _login(secured, INGEST_USER) as ingest,
        _login(secured, "M-DUI-1") as device,
        _login(secured, "M-DUI-1") as same_device,  # one refusal per connection, see Probe
    ):
        ingest.subscribe("supplysync/#")
        assert device.publish(M1_TELEMETRY, b"own") == 0
        assert device.publish(M2_TELEMETRY, b"forged") == NOT_AUTHORIZED
        assert same_device.publish(M2_EVENTS, b"forged") == NOT_AUTHORIZED
        # the subscriber sees the legitimate message and never the forged ones
        assert ingest.received(QUIET_S) == [(M1_TELEMETRY, b"own")]


def test_a_device_cannot_command_even_itself(secured: Secured) -> None:
    with _login(secured, "M-DUI-1") as device:
        assert device.publish(M1_CMD, b"{}") == NOT_AUTHORIZED


def test_a_device_reads_only_its_own_commands(secured: Secured) -> None:
    with (
        _login(secured, DISPATCH_USER) as dispatch,
        _login(secured, "M-DUI-1") as m1,
        _login(secured, "M-DUI-2") as m2,
    ):
        assert m2.subscribe(M2_CMD) == 1
        assert m1.subscribe(M1_CMD) == 1
        # mosquitto 2.0's acl_file grants every SUBSCRIBE and applies `read`
        # rules at delivery, so the spy's SUBACK is a success but nothing comes
        spy_suback = m1.subscribe(M2_CMD)
        wild_suback = m1.subscribe("supplysync/#")
        assert (spy_suback, wild_suback) == (1, 1)
        assert dispatch.publish(M2_CMD, b"for m2") == 0
        assert dispatch.publish(M1_CMD, b"for m1") == 0
        assert m2.received(QUIET_S) == [(M2_CMD, b"for m2")]
        # MQTT 5 delivers once per matching subscription: twice, but only its own
        assert set(m1.received(QUIET_S)) == {(M1_CMD, b"for m1")}


def test_system_users_keep_to_their_role(secured: Secured) -> None:
    with _login(secured, INGEST_USER) as ingest, _login(secured, DISPATCH_USER) as dispatch:
        assert dispatch.publish(M1_CMD, b"{}") == NO_SUBSCRIBERS  # accepted, nobody listening
        assert dispatch.publish(M1_TELEMETRY, b"{}") == NOT_AUTHORIZED
        assert ingest.publish(M1_CMD, b"{}") == NOT_AUTHORIZED


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("M-DUI-1", "wrong-password-of-some-length"),  # right user, wrong secret
        ("M-DUI-1", None),  # no password at all
        ("M-NOBODY", "x" * 43),  # a user the password file lacks
        (None, None),  # anonymous
    ],
)
def test_bad_logins_are_refused(secured: Secured, user: str | None, password: str | None) -> None:
    broker, _ = secured
    with Probe(broker.port, user or "", password) as probe:
        assert probe.connack in (0x86, 0x87)  # bad user name or password / not authorized


def test_only_the_order_gateway_publishes_customer_orders(secured: Secured) -> None:
    with (
        _login(secured, INGEST_USER) as ingest,
        _login(secured, ORDERS_USER) as gateway,
        _login(secured, ORDERS_USER) as same_gateway,  # one refusal per connection, see Probe
        _login(secured, "W-DUI") as device,
        _login(secured, "W-DUI") as same_device,
        _login(secured, DISPATCH_USER) as dispatch,
    ):
        assert ingest.subscribe("supplysync/+/customer/+/orders") == 1
        assert gateway.publish(ESSEN_ORDERS, b"order") == 0
        assert device.publish(ESSEN_ORDERS, b"forged") == NOT_AUTHORIZED
        # a device under its own id, on a channel no pattern line grants
        own = "supplysync/W-DUI/warehouse/W-DUI/orders"
        assert same_device.publish(own, b"forged") == NOT_AUTHORIZED
        assert dispatch.publish(ESSEN_ORDERS, b"forged") == NOT_AUTHORIZED
        # the gateway speaks for customers only, not for an asset
        assert same_gateway.publish(M1_TELEMETRY, b"forged") == NOT_AUTHORIZED
        assert ingest.received(QUIET_S) == [(ESSEN_ORDERS, b"order")]


def test_only_the_fleet_harness_moves_the_networks_clock(secured: Secured) -> None:
    with (
        _login(secured, INGEST_USER) as ingest,
        _login(secured, ORDERS_USER) as harness,
        _login(secured, "M-DUI-1") as device,
        _login(secured, DISPATCH_USER) as dispatch,
    ):
        assert ingest.subscribe(CLOCK_TOPIC) == 1
        assert device.publish(CLOCK_TOPIC, b"forged") == NOT_AUTHORIZED
        assert dispatch.publish(CLOCK_TOPIC, b"forged") == NOT_AUTHORIZED
        assert harness.publish(CLOCK_TOPIC, b"pace") == 0
        assert ingest.received(QUIET_S) == [(CLOCK_TOPIC, b"pace")]
