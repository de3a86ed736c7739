"""ReadingBatcher flushes on size or on the deadline from the first buffered reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runtime.batching import ReadingBatcher
from supplysync.readings import TemperatureReading
from supplysync.settings import RuntimeSettings

T0 = datetime(2026, 3, 2, tzinfo=UTC)
MS = timedelta(milliseconds=1)


def readings(n: int, start: int = 0) -> list[TemperatureReading]:
    return [
        TemperatureReading(device_id="W-env", asset_id="W", seq=start + i, ts=T0, celsius=4.0)
        for i in range(n)
    ]


def test_empty_batcher_is_never_due() -> None:
    batcher = ReadingBatcher(3, 20 * MS)
    assert not batcher.due(T0 + timedelta(days=1))
    assert batcher.deadline() is None
    assert batcher.drain() == []


def test_due_when_size_reached() -> None:
    batcher = ReadingBatcher(3, 20 * MS)
    batcher.add(readings(2), T0)
    assert not batcher.due(T0)
    batcher.add(readings(1, start=2), T0 + MS)
    assert batcher.due(T0 + MS)
    assert [r.seq for r in batcher.drain()] == [0, 1, 2]
    assert len(batcher) == 0


def test_deadline_runs_from_first_buffered_reading() -> None:
    batcher = ReadingBatcher(100, 20 * MS)
    batcher.add(readings(1), T0)
    batcher.add(readings(1, start=1), T0 + 15 * MS)  # a later add does not move the deadline
    assert batcher.deadline() == T0 + 20 * MS
    assert not batcher.due(T0 + 19 * MS)
    assert batcher.due(T0 + 20 * MS)


def test_drain_restarts_the_deadline() -> None:
    batcher = ReadingBatcher(100, 20 * MS)
    batcher.add(readings(1), T0)
    batcher.drain()
    batcher.add(readings(1, start=1), T0 + 50 * MS)
    assert batcher.deadline() == T0 + 70 * MS


def test_adding_nothing_starts_no_deadline() -> None:
    batcher = ReadingBatcher(100, 20 * MS)
    batcher.add([], T0)
    assert batcher.deadline() is None


def test_from_settings() -> None:
    settings = RuntimeSettings(batch_max_readings=7, batch_max_delay_ms=5.0)
    batcher = ReadingBatcher.from_settings(settings)
    assert (batcher.max_readings, batcher.max_delay) == (7, 5 * MS)


@pytest.mark.parametrize(
    ("max_readings", "max_delay"),
    [
        (0, 20 * MS),  # a batch must hold at least one reading
        (10, timedelta(0)),  # a zero deadline would flush every add
        (10, -MS),  # negative deadline
    ],
)
def test_rejects_bad_parameters(max_readings: int, max_delay: timedelta) -> None:
    with pytest.raises(ValueError, match="Expected"):
        ReadingBatcher(max_readings, max_delay)
