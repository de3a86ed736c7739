"""Sampled readings stored many to a row: the `reading_batches` table.

Periodic measurements (temperature, humidity, vibration, pressure, location,
fuel, the hour meter) are most of what the live ingest receives, tens of
thousands a second from gateways. One `events` row each cost the store
thread about 25 µs a reading (building the row, three B-tree inserts with
text keys, the commit's share), which capped the ingest below its 50,000
readings/s target. Here the sampled readings of one asset in one `append`
become one row: their JSON array, written by one serializer call, and the
asset and time span the reads select on. Every reading is still stored
(every accepted reading, not an aggregate), and is read back
as itself. The body is each reading's own `model_dump_json` text (by its
model's serializer: 1.5 against 2.9 µs a reading for a `list[Reading]`
adapter, on a slow moment of this host), joined into an array.

What changes state (stock levels, RFID scans, PLC output counts, doors,
shocks, harsh driving) and every other record kind stays one `events` row
each, idempotent by its own key, exactly as before.

Idempotency moves to the read for batched readings: a row's key names its
first and last reading and its size, so the same batch written again
(a redelivered group commit, a research step retried) is skipped by the
insert, but a reading that reaches the store in two different batches (a
redelivery after the ingest's duplicate window forgot it) is in two rows,
and the reads return it once, by `(device_id, seq)`, first row first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from pydantic import TypeAdapter

from adapters.store.schema import micros
from supplysync.readings import Reading

SAMPLED_KINDS: Final = frozenset(
    {"temperature", "humidity", "vibration", "pressure", "location", "fuel", "runtime"}
)
"""Reading kinds that are samples of a level, stored batched; the rest are events."""

MAX_PER_ROW: Final = 1024
"""Readings per row at most, so a read of a short time range decodes little
it does not need (a group commit holds up to 8,192)."""

BATCH_COLUMNS: Final = ("run_id", "asset_id", "last_us", "batch_key", "first_us", "body")
BATCH_KEY: Final = ("run_id", "asset_id", "last_us", "batch_key")

BatchRow = tuple[str, str, int, str, int, str]
"""One `reading_batches` row, its values in the order of `BATCH_COLUMNS`."""

READINGS: Final[TypeAdapter[list[Reading]]] = TypeAdapter(list[Reading])
"""Validates one row's body (`adapters.store.unreadable` reads rows with it)."""


def is_sampled(record: object) -> bool:
    """Whether `record` is a reading stored batched (see `SAMPLED_KINDS`)."""
    return getattr(record, "kind", None) in SAMPLED_KINDS


def batch_rows(readings: Sequence[Reading], run_id: str) -> list[BatchRow]:
    """One row per asset (per `MAX_PER_ROW` readings), readings kept in their order."""
    by_asset: dict[str, list[Reading]] = {}
    for reading in readings:
        by_asset.setdefault(reading.asset_id, []).append(reading)
    rows: list[BatchRow] = []
    for asset_id, group in by_asset.items():
        for start in range(0, len(group), MAX_PER_ROW):
            part = group[start : start + MAX_PER_ROW]
            first, last = part[0], part[-1]
            key = f"{first.device_id}\x1f{first.seq}\x1f{last.device_id}\x1f{last.seq}"
            key = f"{key}\x1f{len(part)}"
            span = [r.ts for r in part]
            items = b",".join(type(r).__pydantic_serializer__.to_json(r) for r in part)
            body = f"[{items.decode()}]"
            rows.append((run_id, asset_id, micros(max(span)), key, micros(min(span)), body))
    return rows


def distinct(readings: Iterable[Reading]) -> list[Reading]:
    """`readings` with each `(device_id, seq)` kept the first time only, in order."""
    seen: set[tuple[str, int]] = set()
    out: list[Reading] = []
    for reading in readings:
        key = (reading.device_id, reading.seq)
        if key not in seen:
            seen.add(key)
            out.append(reading)
    return out
