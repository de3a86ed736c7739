"""The roster refuses topics whose site or kind is not their asset's, and unknown assets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.mqtt.codec import Readings, decode
from adapters.mqtt.roster import Roster
from adapters.mqtt.topics import Topic, orders_topic, parse, topic_of
from supplysync.deadletters import DeadLetter
from supplysync.network import Device, Network
from supplysync.readings import TemperatureReading
from supplysync.scenario import Scenario

AT = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture
def network(demo_scenario: Scenario) -> Network:
    return demo_scenario.network


def test_every_assets_own_topics_pass(network: Network) -> None:
    roster = Roster(network)
    for asset in network.asset_kinds():
        for channel in ("telemetry", "events", "ack"):
            assert roster.refusal(topic_of(network, asset, channel)) is None
    for c in network.customers:
        assert roster.refusal(orders_topic(network, c.id)) is None


def test_a_wrong_site_or_kind_is_refused_naming_the_right_topic(network: Network) -> None:
    roster = Roster(network)
    right = topic_of(network, "M-DUI-1", "telemetry")
    assert right.site == "PL-DUI"
    for wrong in (
        Topic("PL-EHV", "machine", "M-DUI-1", "telemetry"),
        Topic("PL-DUI", "vehicle", "M-DUI-1", "telemetry"),
    ):
        reason = roster.refusal(wrong)
        assert reason == (
            f"topic {str(wrong)!r}: 'M-DUI-1' is a machine at 'PL-DUI'; its topic is {str(right)!r}"
        )


def test_an_unknown_asset_is_refused(network: Network) -> None:
    reason = Roster(network).refusal(parse("supplysync/PL-DUI/machine/M-GHOST/telemetry"))
    assert reason is not None and "'M-GHOST' is not in the network" in reason


def test_decode_with_a_roster_turns_a_misplaced_reading_into_a_dead_letter(
    network: Network,
) -> None:
    payload = (
        TemperatureReading(device_id="d1", asset_id="M-DUI-1", seq=1, ts=AT, celsius=40.0)
        .model_dump_json()
        .encode()
    )
    right = str(topic_of(network, "M-DUI-1", "telemetry"))
    wrong = right.replace("PL-DUI", "PL-EHV")
    roster = Roster(network)

    assert isinstance(decode(right, payload, at=AT, n=0, roster=roster), Readings)
    assert isinstance(decode(wrong, payload, at=AT, n=1), Readings)  # no roster: the scheme only
    letter = decode(wrong, payload, at=AT, n=2, roster=roster)
    assert isinstance(letter, DeadLetter)
    assert (letter.topic, letter.asset_id, letter.raw) == (wrong, "M-DUI-1", payload)
    assert letter.reason.endswith(f"its topic is {right!r}")


def test_an_asset_that_registers_devices_is_heard_through_them_only(network: Network) -> None:
    registered = network.model_copy(
        update={"devices": [Device(id="M-DUI-1-vib", asset_id="M-DUI-1")]}
    )
    roster, topic = Roster(registered), str(topic_of(network, "M-DUI-1", "telemetry"))

    def reading(device: str) -> bytes:
        return (
            TemperatureReading(device_id=device, asset_id="M-DUI-1", seq=1, ts=AT, celsius=40.0)
            .model_dump_json()
            .encode()
        )

    assert isinstance(decode(topic, reading("M-DUI-1-vib"), at=AT, n=0, roster=roster), Readings)
    letter = decode(topic, reading("W-DUI-shelf"), at=AT, n=1, roster=roster)
    assert isinstance(letter, DeadLetter)
    assert letter.reason == (
        "device_id: 'W-DUI-shelf' is not a registered device of 'M-DUI-1' (registered: M-DUI-1-vib)"
    )
    # an asset that registers nothing keeps taking any device id
    other = str(topic_of(network, "M-DUI-2", "telemetry"))
    payload = reading("anything").replace(b'"M-DUI-1"', b'"M-DUI-2"')
    assert isinstance(decode(other, payload, at=AT, n=2, roster=roster), Readings)
