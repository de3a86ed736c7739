"""The partitioned benchmark's rate while every consumer still had work."""

from __future__ import annotations

import pytest

from benchmarks.ingest_partitioned import while_all_busy


def test_the_rate_stops_where_the_first_consumer_finished() -> None:
    # consumer 0 commits 100 a second and is done at t=3; consumer 1 commits
    # 50 a second and goes on alone until t=6: up to t=3 the two committed
    # 300 + 150 readings, 150 a second, though the whole burst took 6 s.
    progress = {
        0: [(1.0, 100), (2.0, 200), (3.0, 300)],
        1: [(1.0, 50), (2.0, 100), (3.0, 150), (4.5, 225), (6.0, 300)],
    }
    assert while_all_busy(progress, start=0.0) == pytest.approx(150.0)


def test_a_consumer_not_yet_committed_at_that_moment_counts_nothing() -> None:
    progress = {0: [(2.0, 400)], 1: [(2.5, 10), (4.0, 20)]}
    assert while_all_busy(progress, start=1.0) == pytest.approx(400.0)


def test_with_one_consumer_it_is_the_whole_run() -> None:
    progress = {0: [(1.0, 100), (5.0, 1000)]}
    assert while_all_busy(progress, start=0.0) == pytest.approx(200.0)
