"""Sampled readings many to a row: what is written, and that reads see each reading once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.store import open_store
from adapters.store.batches import MAX_PER_ROW, is_sampled
from supplysync.readings import Reading, StockLevelReading, TemperatureReading
from tests.adapters.store import records as r
from tests.adapters.store.test_migrations import _execute

T0 = r.T0
EARLY = datetime(2000, 1, 1, tzinfo=UTC)
LATE = datetime(2100, 1, 1, tzinfo=UTC)


def temps(asset: str, seqs: range) -> list[Reading]:
    return [
        TemperatureReading(
            device_id=f"{asset}-t{i % 2}",
            asset_id=asset,
            seq=i,
            ts=T0 + timedelta(seconds=i),
            celsius=20.0 + i % 50,
        )
        for i in seqs
    ]


def _rows(url: str) -> tuple[int, int]:
    """(`reading_batches` rows, `events` rows)."""
    (batched,) = _execute(url, ["SELECT COUNT(*) FROM reading_batches"])
    (events,) = _execute(url, ["SELECT COUNT(*) FROM events"])
    return batched[0], events[0]


def test_sampled_readings_are_a_row_per_asset_and_state_changes_a_row_each(
    store_url: str,
) -> None:
    stock = [
        StockLevelReading(device_id="W1-s", asset_id="W1", seq=i, ts=T0, product_id="P", units=i)
        for i in range(3)
    ]
    assert not any(is_sampled(s) for s in stock)
    many = [*temps("M1", range(MAX_PER_ROW + 1)), *temps("M2", range(5))]
    with open_store(store_url) as store:
        store.append([*many, *stock])
        assert store.readings("M1", EARLY, LATE) == many[: MAX_PER_ROW + 1]
        assert store.readings("M2", EARLY, LATE) == many[MAX_PER_ROW + 1 :]
        assert store.readings("W1", EARLY, LATE) == stock
    assert _rows(store_url) == (3, 3)  # M1 in two rows (MAX_PER_ROW), M2 in one; stock each


def test_a_reading_in_two_batches_is_read_once(store_url: str) -> None:
    log = temps("M1", range(20))
    with open_store(store_url) as store:
        store.append(log[:10])
        store.append(log[:10])  # the same batch again: skipped by its key
        store.append(log[5:15])  # overlapping: stored, read once
        store.append(log[14:])
        assert _rows(store_url)[0] == 3
        assert store.readings("M1", EARLY, LATE) == log
        assert store.readings_after("M1", None) == log


def test_time_ranges_cut_inside_a_row(store_url: str) -> None:
    log = temps("M1", range(10))
    with open_store(store_url) as store:
        store.append(log)
        since, until = T0 + timedelta(seconds=3), T0 + timedelta(seconds=7)
        assert store.readings("M1", since, until) == log[3:7]
        assert store.readings("M1", until, LATE) == log[7:]
        assert store.readings("M1", EARLY, T0) == []


def test_a_run_with_only_batched_readings_is_listed(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(temps("M1", range(2)), run_id="sampled-only")
        store.append(r.alerts(), run_id="alerts-only")
        assert store.runs() == ["alerts-only", "sampled-only"]
