"""Readings: valid payloads parse into the union; bad ones fail with the field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from supplysync.readings import READING_ADAPTER, GatewayMessage, StockLevelReading

BASE = {"device_id": "M-1-vib", "asset_id": "M-1", "seq": 3, "ts": "2026-03-02T06:00:00Z"}


def test_discriminator_picks_the_kind() -> None:
    reading = READING_ADAPTER.validate_python(
        {**BASE, "kind": "stock_level", "product_id": "P", "units": 4}
    )
    assert isinstance(reading, StockLevelReading)
    assert reading.units == 4.0 and reading.source == "shelf"


BAD = [
    # humidity above 100 %RH is a broken sensor, not a reading
    ({"kind": "humidity", "percent_rh": 140}, "percent_rh"),
    # negative stock cannot exist
    ({"kind": "stock_level", "product_id": "P", "units": -1}, "units"),
    # latitude out of range
    ({"kind": "location", "lat": 91, "lon": 0}, "lat"),
    # unknown kind
    ({"kind": "telepathy", "value": 1}, "kind"),
    # a timestamp with no zone is ambiguous
    ({"kind": "fuel", "percent": 50, "ts": "2026-03-02T06:00:00"}, "ts"),
    # negative sequence number
    ({"kind": "fuel", "percent": 50, "seq": -1}, "seq"),
    # unexpected field (a typo in a gateway payload)
    ({"kind": "fuel", "percent": 50, "pct": 3}, "pct"),
    # rfid scan with zero units
    (
        {
            "kind": "rfid_scan",
            "lot_id": "L",
            "product_id": "P",
            "units": 0,
            "direction": "in",
            "site_id": "W",
        },
        "units",
    ),
]


@pytest.mark.parametrize(("patch", "field"), BAD)
def test_bad_reading_names_the_field(patch: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        READING_ADAPTER.validate_python({**BASE, **patch})
    assert field in str(err.value)


def test_gateway_message_batches_and_versions() -> None:
    msg = GatewayMessage.model_validate_json(
        '{"v": 1, "gateway_id": "gw-1", "readings": ['
        '{"kind": "vibration", "mm_s_rms": 1.4, "device_id": "M-1-vib", "asset_id": "M-1",'
        ' "seq": 0, "ts": "2026-03-02T06:00:00Z"}]}'
    )
    assert msg.readings[0].kind == "vibration"
    with pytest.raises(ValidationError, match="v"):
        GatewayMessage.model_validate({"v": 2, "gateway_id": "gw", "readings": msg.readings})
    with pytest.raises(ValidationError, match="readings"):
        GatewayMessage.model_validate({"v": 1, "gateway_id": "gw", "readings": []})
