"""Physical bounds: every number a reading carries is finite and within its range.

An Infinity accepted at the codec was stored as JSON null and then failed to
load, so `run` could not restart and `serve` could not start; absurd
sequence numbers and timestamps were stored as valid. Each case here is
JSON as a device would publish it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from supplysync.network import MAX_SEQ
from supplysync.readings import READING_ADAPTER

BASE = {"device_id": "M-1-x", "asset_id": "M-1", "seq": 3, "ts": "2026-03-02T06:00:00Z"}

KINDS: dict[str, dict[str, Any]] = {
    "location": {"lat": 51.0, "lon": 6.0, "speed_kmh": 40.0},
    "temperature": {"celsius": 4.0},
    "humidity": {"percent_rh": 50.0},
    "shock": {"g": 2.0},
    "vibration": {"mm_s_rms": 1.2},
    "pressure": {"kpa": 101.0},
    "runtime": {"hours": 1200.0, "running": True},
    "output": {"product_id": "P", "units": 12.0},
    "stock_level": {"product_id": "P", "units": 40.0},
    "rfid_scan": {
        "lot_id": "L",
        "product_id": "P",
        "units": 5.0,
        "direction": "in",
        "site_id": "W",
    },
    "fuel": {"percent": 50.0},
    "harsh_driving": {"event": "brake", "g": 0.5},
}
NUMBERS = [
    (kind, name) for kind, fields in KINDS.items() for name, v in fields.items() if type(v) is float
]


def as_json(kind: str, **patch: Any) -> str:
    return json.dumps({**BASE, "kind": kind, **KINDS[kind], **patch})


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_as_published_is_valid(kind: str) -> None:
    assert READING_ADAPTER.validate_json(as_json(kind)).kind == kind


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
@pytest.mark.parametrize(("kind", "name"), NUMBERS)
def test_a_number_that_is_not_finite_is_refused_naming_it(
    kind: str, name: str, value: float
) -> None:
    with pytest.raises(ValidationError) as err:
        READING_ADAPTER.validate_json(as_json(kind, **{name: value}))
    assert f"{kind}.{name}" in str(err.value)


@pytest.mark.parametrize(
    ("kind", "name", "value"),
    [
        ("stock_level", "units", 1e308),
        ("stock_level", "units", 1e30),
        ("output", "units", 1e12),
        ("rfid_scan", "units", 1e12),
        ("runtime", "hours", 1e12),
    ],
)
def test_a_count_beyond_any_plant_is_refused(kind: str, name: str, value: float) -> None:
    with pytest.raises(ValidationError, match=f"{kind}.{name}"):
        READING_ADAPTER.validate_json(as_json(kind, **{name: value}))


@pytest.mark.parametrize("seq", [2**63, 2**53, 10**30])
def test_a_sequence_number_beyond_what_json_carries_exactly_is_refused(seq: int) -> None:
    with pytest.raises(ValidationError, match="seq"):
        READING_ADAPTER.validate_json(as_json("fuel", seq=seq))
    assert READING_ADAPTER.validate_json(as_json("fuel", seq=MAX_SEQ)).seq == MAX_SEQ


@pytest.mark.parametrize(
    "ts", ["1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
)
def test_a_timestamp_outside_the_supported_years_is_refused(ts: str) -> None:
    with pytest.raises(ValidationError, match="ts"):
        READING_ADAPTER.validate_json(as_json("fuel", ts=ts))


@pytest.mark.parametrize(
    ("ts", "taken"),
    [
        ("2000-01-01T00:00:00Z", True),
        ("1999-12-31T23:59:59.999999Z", False),
        ("2000-01-01T00:30:00+01:00", False),  # 1999-12-31 23:30 UTC
        ("1999-12-31T23:30:00-01:00", True),  # 2000-01-01 00:30 UTC
        ("2099-12-31T23:59:59.999999Z", True),
        ("2100-01-01T00:00:00Z", False),
        ("2099-12-31T23:30:00-01:00", False),  # 2100-01-01 00:30 UTC
        ("2100-01-01T00:30:00+01:00", True),  # 2099-12-31 23:30 UTC
        ("2026-12-05T15:00:00+14:00", True),
    ],
)
def test_the_supported_years_are_bounded_in_utc_whatever_the_offset(ts: str, taken: bool) -> None:
    """The bounds are instants: an offset moves a local time across them either way."""
    if taken:
        assert READING_ADAPTER.validate_json(as_json("fuel", ts=ts)).ts.isoformat()
    else:
        with pytest.raises(ValidationError, match="ts"):
            READING_ADAPTER.validate_json(as_json("fuel", ts=ts))
