"""The ingest benchmark's publisher writes what `json.dumps` of the readings would."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.mqtt.codec import Readings, decode
from benchmarks.ingest import _payload


def _reference(seq0: int, batch: int, asset: str, stock: bool, ts: str) -> bytes:
    values = (
        {"kind": "stock_level", "product_id": "P1", "units": 100.0}
        if stock
        else {"kind": "temperature", "celsius": 20.0}
    )
    readings = [
        {"device_id": f"{asset}-t{i % 4}", "asset_id": asset, "seq": seq0 + i, "ts": ts, **values}
        for i in range(batch)
    ]
    return json.dumps({"v": 1, "gateway_id": f"gw-{asset}", "readings": readings}).encode()


@pytest.mark.parametrize(
    ("seq0", "batch", "stock"), [(0, 1, False), (700, 100, False), (5, 7, True)]
)
def test_a_payload_is_byte_for_byte_the_json_of_its_readings(
    seq0: int, batch: int, stock: bool
) -> None:
    payload = _payload(seq0, batch, "m3", stock)
    ts = json.loads(payload)["readings"][0]["ts"]
    assert payload == _reference(seq0, batch, "m3", stock, ts)
    assert abs((datetime.fromisoformat(ts) - datetime.now(UTC)).total_seconds()) < 60
    topic = f"supplysync/site-3/machine/m3/{'events' if stock else 'telemetry'}"
    decoded = decode(topic, payload, at=datetime.now(UTC), n=0)
    assert isinstance(decoded, Readings)
    assert [r.seq for r in decoded.readings] == list(range(seq0, seq0 + batch))
