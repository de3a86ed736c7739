"""Dead letters keep refused input byte for byte, even when it is not UTF-8."""

from datetime import UTC, datetime

from supplysync.deadletters import DeadLetter, agent_letter, letter_id_of
from supplysync.readings import TemperatureReading

AT = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_raw_bytes_survive_a_json_round_trip_even_when_not_utf8() -> None:
    raw = b"\xff\xfe{not json\x00"
    letter = DeadLetter(
        letter_id=letter_id_of("mqtt", "supplysync/x", raw, AT),
        source="mqtt",
        topic="supplysync/x",
        raw=raw,
        reason="invalid JSON",
        at=AT,
    )
    back = DeadLetter.model_validate_json(letter.model_dump_json())
    assert back == letter
    assert back.raw == raw


def test_identical_payloads_at_one_instant_get_distinct_ids_by_sequence() -> None:
    first = letter_id_of("mqtt", "t", b"x", AT, 0)
    assert first == letter_id_of("mqtt", "t", b"x", AT, 0)
    assert first != letter_id_of("mqtt", "t", b"x", AT, 1)
    assert first != letter_id_of("mqtt", "u", b"x", AT, 0)


def test_agent_letter_keeps_the_reading_json() -> None:
    r = TemperatureReading(device_id="d", asset_id="W", seq=3, ts=AT, celsius=4.0)
    letter = agent_letter(r, "boom", AT)
    assert TemperatureReading.model_validate_json(letter.raw) == r
    assert (letter.source, letter.asset_id, letter.reason) == ("agent", "W", "boom")
