"""The codec: valid payloads decode to models; anything else is a dead letter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.mqtt.codec import Readings, Skew, decode
from supplysync.commands import CommandAck
from supplysync.deadletters import DeadLetter, letter_id_of
from supplysync.readings import TemperatureReading
from tests.adapters.mqtt.payloads import (
    ACK,
    EVENTS,
    TELEMETRY,
    ack,
    encode,
    gateway,
    reading,
    scan,
)

AT = datetime(2025, 3, 1, 9, tzinfo=UTC)


def test_a_single_reading_decodes_with_its_topic() -> None:
    decoded = decode(TELEMETRY, encode(reading(7)), at=AT, n=0)
    assert isinstance(decoded, Readings)
    assert decoded.topic.asset_id == "m1"
    assert [(r.device_id, r.seq, r.kind) for r in decoded.readings] == [("d1", 7, "temperature")]
    assert isinstance(decoded.readings[0], TemperatureReading)
    assert decoded.readings[0].celsius == 21.5


def test_a_gateway_batch_decodes_every_reading_in_order() -> None:
    payload = encode(gateway([reading(1), scan(2), reading(3, device="d2")]))
    decoded = decode(EVENTS, payload, at=AT, n=0)
    assert isinstance(decoded, Readings)
    assert [(r.kind, r.device_id, r.seq) for r in decoded.readings] == [
        ("temperature", "d1", 1),
        ("rfid_scan", "gate-1", 2),
        ("temperature", "d2", 3),
    ]


def test_a_reading_mentioning_readings_in_a_string_is_still_a_reading() -> None:
    # the discriminator looks for a "readings" key, not the word anywhere
    payload = encode({**scan(4), "lot_id": '"readings"'})
    decoded = decode(EVENTS, payload, at=AT, n=0)
    assert isinstance(decoded, Readings)
    assert decoded.readings[0].kind == "rfid_scan"


def test_an_ack_decodes_to_a_command_ack() -> None:
    decoded = decode(ACK, encode(ack("c9", "rejected")), at=AT, n=0)
    assert decoded == CommandAck.model_validate(ack("c9", "rejected"))


BAD = [
    # (topic, payload, words the reason must contain)
    # not our root
    ("other/plant-1/machine/m1/telemetry", encode(reading(1)), "is not supplysync/"),
    # too deep
    ("supplysync/plant-1/machine/m1/x/telemetry", encode(reading(1)), "is not supplysync/"),
    # unknown asset kind
    ("supplysync/plant-1/robot/m1/telemetry", encode(reading(1)), "unknown asset kind"),
    # unknown channel
    ("supplysync/plant-1/machine/m1/status", encode(reading(1)), "unknown channel"),
    # commands go out, never in
    ("supplysync/plant-1/machine/m1/cmd", encode(reading(1)), "outbound"),
    # not JSON at all
    (TELEMETRY, b"hello", "payload: Invalid JSON"),
    # not UTF-8
    (TELEMETRY, b"\xff\xfe\x00", "payload: Invalid JSON"),
    # empty payload
    (TELEMETRY, b"", "payload: Invalid JSON"),
    # JSON but not an object
    (TELEMETRY, b"[1, 2]", "payload: Input should be an object"),
    # unknown reading kind
    (TELEMETRY, encode(reading(1, kind="smell")), "does not match any of the expected tags"),
    # a required field missing
    (TELEMETRY, encode({k: v for k, v in reading(1).items() if k != "seq"}), "seq: Field required"),
    # negative sequence number
    (TELEMETRY, encode(reading(-1)), "seq: Input should be greater than or equal to 0"),
    # out of physical range
    (TELEMETRY, encode(reading(1, celsius=900)), "celsius: Input should be less than or equal"),
    # not a finite number: JSON cannot store it back
    (TELEMETRY, encode(reading(1, celsius=float("inf"))), "celsius: Input should be a finite"),
    (TELEMETRY, encode(reading(1, celsius=float("nan"))), "celsius: Input should be a finite"),
    # a sequence number JSON cannot carry exactly
    (TELEMETRY, encode(reading(2**63)), "seq: Input should be less than or equal to 90071"),
    # a clock that lost its time
    (TELEMETRY, encode(reading(1, ts="1970-01-01T00:00:00Z")), "ts: Value error, should be from"),
    # naive timestamp: whose time would it be?
    (TELEMETRY, encode(reading(1, ts="2025-03-01T08:00:00")), "ts: Input should have timezone"),
    # an unexpected field
    (TELEMETRY, encode(reading(1, colour="red")), "colour: Extra inputs are not permitted"),
    # a reading of another asset on this asset's topic
    (TELEMETRY, encode(reading(1, asset="m2")), "asset_id: 'm2' is not the topic's asset 'm1'"),
    # one foreign reading spoils its gateway batch, and is named by index
    (
        EVENTS,
        encode(gateway([reading(1), reading(2, asset="m2")])),
        "readings.1.asset_id: 'm2' is not",
    ),
    # a bad field inside a gateway batch is named by index, without the kind tag
    (EVENTS, encode(gateway([reading(1, celsius="hot")])), "readings.0.celsius: Input should be"),
    # an unknown gateway version
    (EVENTS, encode(gateway([reading(1)], v=2)), "v: Input should be 1"),
    # an empty gateway batch
    (EVENTS, encode(gateway([])), "readings: List should have at least 1 item"),
    # an ack with an unknown version
    (ACK, encode({**ack(), "v": 3}), "v: Input should be 1"),
    # an ack with an unknown status
    (ACK, encode(ack(status="maybe")), "status: Input should be 'received', 'done'"),
    # an ack for another asset
    (ACK, encode(ack(asset="m2")), "asset_id: 'm2' is not the topic's asset 'm1'"),
    # a reading on the ack channel
    (ACK, encode(reading(1)), "command_id: Field required"),
]


@pytest.mark.parametrize(("topic", "payload", "reason"), BAD)
def test_a_bad_message_becomes_a_dead_letter_naming_the_field(
    topic: str, payload: bytes, reason: str
) -> None:
    letter = decode(topic, payload, at=AT, n=3)
    assert isinstance(letter, DeadLetter)
    assert reason in letter.reason
    assert letter.raw == payload
    assert (letter.source, letter.topic, letter.at) == ("mqtt", topic, AT)
    assert letter.letter_id == letter_id_of("mqtt", topic, payload, AT, 3)


def test_the_reason_lists_a_few_errors_and_counts_the_rest() -> None:
    broken = gateway([reading(i, celsius=900) for i in range(8)])
    letter = decode(EVENTS, encode(broken), at=AT, n=0)
    assert isinstance(letter, DeadLetter)
    assert letter.reason.count("celsius") == 5
    assert letter.reason.endswith("(+3 more)")


SKEW = Skew(ahead=timedelta(minutes=5), behind=timedelta(days=30))


@pytest.mark.parametrize(
    ("stamped", "said"),
    [
        ("2025-03-01T09:10:00Z", "ahead of the network's clock"),
        ("2027-03-01T00:00:00Z", "ahead of the network's clock"),
        ("2025-01-01T00:00:00Z", "behind the network's clock"),
        ("2024-03-01T00:00:00Z", "behind the network's clock"),
    ],
)
def test_a_reading_stamped_far_from_the_networks_clock_is_a_dead_letter(
    stamped: str, said: str
) -> None:
    payload = encode(gateway([reading(1, ts="2025-03-01T08:59:00Z"), reading(2, ts=stamped)]))
    decoded = decode(TELEMETRY, payload, at=AT, n=0, skew=SKEW)
    assert isinstance(decoded, DeadLetter)
    assert decoded.reason.startswith("readings.1.ts: ")
    assert said in decoded.reason
    assert decoded.raw == payload, "the whole message is kept"


def test_readings_within_the_skew_and_any_without_one_are_taken() -> None:
    inside = encode(
        gateway([reading(1, ts="2025-03-01T09:04:59Z"), reading(2, ts="2025-02-01T00:00:00Z")])
    )
    assert isinstance(decode(TELEMETRY, inside, at=AT, n=0, skew=SKEW), Readings)
    far = encode(reading(3, ts="2030-01-01T00:00:00Z"))
    assert isinstance(decode(TELEMETRY, far, at=AT, n=0), Readings)
