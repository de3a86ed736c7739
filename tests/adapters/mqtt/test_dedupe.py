"""The ingest's bounded duplicate window."""

from __future__ import annotations

import pytest

from adapters.mqtt.dedupe import SeenWindow
from supplysync.readings import READING_ADAPTER, Reading
from tests.adapters.mqtt.payloads import reading


def r(device: str, seq: int) -> Reading:
    return READING_ADAPTER.validate_python(reading(seq, device=device))


def keys(readings: list[Reading]) -> list[tuple[str, int]]:
    return [(x.device_id, x.seq) for x in readings]


def test_a_key_is_admitted_once() -> None:
    seen = SeenWindow(capacity=10)
    assert keys(seen.fresh([r("d1", 1), r("d1", 1), r("d2", 1)])) == [("d1", 1), ("d2", 1)]
    assert seen.fresh([r("d1", 1), r("d2", 1)]) == []  # a redelivered message
    assert keys(seen.fresh([r("d2", 1), r("d2", 2)])) == [("d2", 2)]  # overlapping


def test_the_oldest_keys_are_forgotten_beyond_twice_the_capacity() -> None:
    seen = SeenWindow(capacity=2)
    seen.fresh([r("d1", 1), r("d1", 2)])  # the young generation is full: now the old one
    seen.fresh([r("d1", 3)])
    assert len(seen) == 3
    assert seen.fresh([r("d1", 1)]) == []  # at least the last `capacity` are remembered
    seen.fresh([r("d1", 4)])  # full again: d1:1 and d1:2 are forgotten
    assert len(seen) == 2
    assert keys(seen.fresh([r("d1", 2)])) == [("d1", 2)]  # forgotten: store and agents dedupe
    assert seen.fresh([r("d1", 3), r("d1", 4)]) == []


def test_a_message_repeating_a_reading_keeps_the_first() -> None:
    seen = SeenWindow(capacity=10)
    got = seen.fresh([r("d1", 1), r("d2", 1), r("d1", 1), r("d1", 2)])
    assert keys(got) == [("d1", 1), ("d2", 1), ("d1", 2)]
    assert len(seen) == 3


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity >= 1"):
        SeenWindow(capacity=0)


def test_a_device_id_claimed_by_another_asset_suppresses_nothing() -> None:
    """W-DUI may name a device "W-EHV-shelf-x"; W-EHV's own reading of that id still counts.

    The codec ties every reading's asset to the topic, and the ACL ties the
    topic to the login, so the asset is the one part of the key a device
    cannot forge.
    """
    seen = SeenWindow(capacity=10)
    forged = READING_ADAPTER.validate_python(reading(5, device="W-EHV-shelf-x", asset="W-DUI"))
    own = READING_ADAPTER.validate_python(reading(5, device="W-EHV-shelf-x", asset="W-EHV"))
    assert seen.fresh([forged]) == [forged]
    assert seen.fresh([own]) == [own]
    assert seen.fresh([own, forged]) == []
