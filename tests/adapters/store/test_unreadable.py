"""A stored record that no longer loads is a dead letter, not a store that will not open.

Older code accepted `"units": Infinity` and stored it as null; every later
read of that asset's readings, or of the alert it raised, then failed to
validate, so `run` could not restart and `serve` could not start. Here such
records are written as that code left them (a valid record whose stored
body is then edited) and read back on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from adapters.store import open_store, sqlite
from tests.adapters.store import records as r

EARLY = datetime(2000, 1, 1, tzinfo=UTC)
LATE = datetime(2100, 1, 1, tzinfo=UTC)


def _edit(url: str, table: str, kind_sql: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the stored bodies of `table` rows matching `kind_sql`."""
    sql = f"UPDATE {table} SET body = replace(body, '{old}', '{new}') WHERE {kind_sql}"
    if url.startswith("sqlite://"):
        with sqlite.connect(url.removeprefix("sqlite://"), busy_timeout_s=5) as conn:
            assert conn.execute(sql).rowcount >= 1
        return
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute(sql).rowcount >= 1


def test_an_unloadable_alert_and_stock_level_become_dead_letters(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append([*r.readings(), *r.alerts()])
    _edit(store_url, "events", "kind = 'reading'", '"units":120.0', '"units":null')
    _edit(store_url, "events", "record_key = 'a-2'", '"slope":0.125', '"slope":null')

    with open_store(store_url) as store:
        assert store.readings("W1", EARLY, LATE) == []
        assert store.readings_after("W1", None) == []
        assert [a.alert_id for a in store.alerts(EARLY, LATE)] == ["a-1", "a-3"]
        letters = store.dead_letters(EARLY, LATE)
    reasons = sorted((d.source, d.topic, d.reason.split("; ")[0]) for d in letters)
    assert reasons == [
        (
            "store",
            "alert",
            "stored alert no longer loads: data.slope.float: Input should be a valid number",
        ),
        (
            "store",
            "reading",
            "stored reading no longer loads: units: Input should be a valid number",
        ),
    ]
    assert b'"units":null' in next(d.raw for d in letters if d.topic == "reading")


def test_reading_twice_records_each_unloadable_record_once(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(r.readings())
    _edit(store_url, "events", "kind = 'reading'", '"units":120.0', '"units":null')
    with open_store(store_url) as store:
        store.readings("W1", EARLY, LATE)
        store.readings_after("W1", None)
        assert len(store.dead_letters(EARLY, LATE)) == 1


def test_one_bad_sample_in_a_batch_row_leaves_the_others(store_url: str) -> None:
    """Sampled readings are stored many to a row; one that no longer loads is let go alone."""
    with open_store(store_url) as store:
        store.append(r.readings())
    _edit(store_url, "reading_batches", "asset_id = 'M1'", '"mm_s_rms":0.1', '"mm_s_rms":null')
    with open_store(store_url) as store:
        (kept,) = store.readings("M1", EARLY, LATE)
        assert kept == r.readings()[0]
        (letter,) = store.dead_letters(EARLY, LATE)
    assert (
        letter.reason == "stored reading no longer loads: mm_s_rms: Input should be a valid number"
    )
    assert b'"mm_s_rms":null' in letter.raw and b"2.25" not in letter.raw


@pytest.mark.parametrize("body", ['{"kind": "vibration"', "null"])
def test_a_body_that_is_not_json_is_a_dead_letter_too(store_url: str, body: str) -> None:
    with open_store(store_url) as store:
        store.append(r.alerts())
    sql_body = body.replace("'", "''")
    if store_url.startswith("sqlite://"):
        with sqlite.connect(store_url.removeprefix("sqlite://"), busy_timeout_s=5) as conn:
            conn.execute(f"UPDATE events SET body = '{sql_body}' WHERE record_key = 'a-1'")
    else:
        with psycopg.connect(store_url, autocommit=True) as conn:
            conn.execute(f"UPDATE events SET body = '{sql_body}' WHERE record_key = 'a-1'")
    with open_store(store_url) as store:
        assert [a.alert_id for a in store.alerts(EARLY, LATE)] == ["a-2", "a-3"]
        (letter,) = store.dead_letters(EARLY, LATE)
    assert letter.raw == body.encode() and letter.reason.startswith("stored alert no longer loads")
