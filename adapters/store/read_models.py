"""Read models the writer keeps beside the log, so the API's reads are lookups.

The operations center asks two things over and over: what every asset
reads now, and what the plans were. Answered from the log, the first
decoded every reading of every asset over the last day per request and the
second every stored plan whole (routes, production, purchases) just to
count them; under 50 clients the API served 23 requests/s with p99 8 s.
So `append` also writes, in the same transaction:

- `latest_readings`: per asset, reading kind and subject (the product of a
  stock level, output or scan; the shipment of a tracker's fix; "" else)
  the newest reading's JSON. An older reading arriving late never replaces
  a newer one (the upsert compares times), so the table is what a scan of
  the log would find, whatever the arrival order.
- `plan_summaries`: each plan's headline (`supplysync.plan.PlanSummary`),
  a few hundred bytes against a plan's tens of kilobytes.

Both are derived: a store migrated to them from an older schema fills them
from its log once, when it is opened (`backfill`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from adapters.store.inserts import insert_sql
from adapters.store.schema import micros
from supplysync.plan import Plan, PlanSummary
from supplysync.readings import READING_ADAPTER, Reading

LATEST_COLUMNS: Final = ("run_id", "asset_id", "kind", "subject", "ts_us", "body")
LATEST_KEY: Final = ("run_id", "asset_id", "kind", "subject")
SUMMARY_COLUMNS: Final = ("run_id", "plan_id", "created_us", "body")
SUMMARY_KEY: Final = ("run_id", "plan_id")

LatestRow = tuple[str, str, str, str, int, str]


def subject(reading: Reading) -> str:
    """What a reading is about within its asset and kind: a product, a shipment, or ""."""
    field = _subject_field(type(reading))
    return (getattr(reading, field) or "") if field else ""


def _subject_field(cls: type) -> str | None:
    """The field naming a reading's subject, looked up once per reading type."""
    if cls not in _SUBJECT_FIELD:
        fields = getattr(cls, "model_fields", {})
        _SUBJECT_FIELD[cls] = next((f for f in ("product_id", "shipment_id") if f in fields), None)
    return _SUBJECT_FIELD[cls]


_SUBJECT_FIELD: dict[type, str | None] = {}


def latest_rows(readings: Iterable[Reading], run_id: str) -> list[LatestRow]:
    """One row per (asset, kind, subject): its newest reading among `readings`.

    Newest is by time; of readings taken at the same instant the later in
    `readings` wins. This runs on every ingest commit, so it compares times
    only: 0.3 µs a reading, against 2.4 µs comparing (time, device, seq)
    tuples, which took a fifth off the flat-out ingest.
    """
    newest: dict[tuple[str, str, str], Reading] = {}
    for r in readings:
        _offer(newest, (r.asset_id, r.kind, subject(r)), r)
    return [_latest_row(run_id, key, r) for key, r in newest.items()]


def _offer(newest: dict[Any, Reading], key: Any, r: Reading) -> None:
    """Keep `r` under `key` unless what is kept there is newer."""
    held = newest.get(key)
    if held is None or r.ts >= held.ts:
        newest[key] = r


def _latest_row(run_id: str, key: tuple[str, str, str], r: Reading) -> LatestRow:
    return (run_id, *key, micros(r.ts), type(r).__pydantic_serializer__.to_json(r).decode())


def summary_rows(plans: Iterable[Plan], run_id: str) -> list[tuple[str, str, int, str]]:
    """One row per plan: its headline."""
    return [
        (run_id, p.plan_id, micros(p.created_at), PlanSummary.of(p).model_dump_json())
        for p in plans
    ]


@cache
def upsert_latest_sql(marker: str) -> str:
    """Insert a latest row; a stored one is replaced only by a strictly newer reading.

    One row a statement: a multi-row upsert must not name a key twice
    (PostgreSQL refuses to update a row twice in one statement), so the
    padding of `inserts.chunks` cannot be used, and the rows are few (one per
    asset, kind and subject touched by the append). Both databases spell
    `ON CONFLICT ... DO UPDATE ... WHERE` and `excluded` alike.
    """
    return (
        f"INSERT INTO latest_readings ({', '.join(LATEST_COLUMNS)}) "
        f"VALUES ({', '.join([marker] * len(LATEST_COLUMNS))}) "
        f"ON CONFLICT ({', '.join(LATEST_KEY)}) DO UPDATE SET "
        "ts_us = excluded.ts_us, body = excluded.body "
        "WHERE excluded.ts_us > latest_readings.ts_us"
    )


def write(
    cur: Any, readings: Sequence[Reading], plans: Sequence[Plan], run_id: str, marker: str
) -> None:
    """Bring both read models up to date with what one `append` stores, in its transaction."""
    latest = latest_rows(readings, run_id)
    if latest:
        cur.executemany(upsert_latest_sql(marker), latest)
    summaries = summary_rows(plans, run_id)
    if summaries:
        sql = insert_sql("plan_summaries", SUMMARY_COLUMNS, SUMMARY_KEY, 1, marker)
        cur.executemany(sql, summaries)


VERSION: Final = 4
"""The schema migration that made these tables (`migrations.py`)."""
_FETCH: Final = 1000
_BATCH: Final = TypeAdapter(list[Reading])
_PLAN: Final = TypeAdapter(Plan)


def backfill(cur: Any, marker: str) -> None:
    """Fill both read models from the log of a store that had them not.

    Reads the whole log once, a thousand rows at a time, keeping only the
    newest reading per key and each plan's headline in memory. A record that
    does not load is left out: the log's own reads dead-letter it when they
    meet it.
    """
    newest: dict[tuple[str, str, str, str], Reading] = {}
    for run_id, body in _rows(cur, "SELECT run_id, body FROM events WHERE kind = 'reading'"):
        for r in _loaded(READING_ADAPTER, body):
            _offer(newest, (run_id, r.asset_id, r.kind, subject(r)), r)
    for run_id, body in _rows(cur, "SELECT run_id, body FROM reading_batches"):
        for r in _loaded(_BATCH, body, many=True):
            _offer(newest, (run_id, r.asset_id, r.kind, subject(r)), r)
    summaries = [
        row
        for run_id, body in _rows(cur, "SELECT run_id, body FROM events WHERE kind = 'plan'")
        for row in summary_rows(_loaded(_PLAN, body), run_id)
    ]
    rows = [_latest_row(key[0], key[1:], r) for key, r in newest.items()]
    if rows:
        cur.executemany(upsert_latest_sql(marker), rows)
    if summaries:
        sql = insert_sql("plan_summaries", SUMMARY_COLUMNS, SUMMARY_KEY, 1, marker)
        cur.executemany(sql, summaries)


def _rows(cur: Any, sql: str) -> Iterator[tuple[str, str]]:
    cur.execute(sql)
    while rows := cur.fetchmany(_FETCH):
        yield from ((str(run_id), str(body)) for run_id, body in rows)


def _loaded(adapter: TypeAdapter[Any], body: str, *, many: bool = False) -> list[Any]:
    try:
        value = adapter.validate_json(body)
    except ValidationError:
        return []
    return list(value) if many else [value]
