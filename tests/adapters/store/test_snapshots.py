"""Agent snapshots and the readings after them, on both backends."""

from __future__ import annotations

import math
import threading
from datetime import timedelta

from adapters.store import open_store
from supplysync.readings import Reading, VibrationReading
from supplysync.snapshots import AgentSnapshot, ReadingPosition
from tests.adapters.store.records import T0


def snap(generation: int, asset_id: str = "M1", **state: object) -> AgentSnapshot:
    return AgentSnapshot(
        asset_id=asset_id,
        asset_kind="machine",
        generation=generation,
        taken_at=T0 + timedelta(minutes=generation),
        position=ReadingPosition(last_seq={"M1-vib": generation}, since=T0),
        state={"generation": generation, **state},
    )


def vib(device: str, seq: int, minutes: float) -> Reading:
    return VibrationReading(
        device_id=device, asset_id="M1", seq=seq, ts=T0 + timedelta(minutes=minutes), mm_s_rms=1.5
    )


def test_latest_snapshot_is_the_highest_generation(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.latest_snapshot("M1") is None
        store.save_snapshots([snap(2), snap(1), snap(1, "M2")])
        store.save_snapshots([snap(3, "M2")], run_id="other")
        assert store.latest_snapshot("M1") == snap(2)
        assert store.latest_snapshot("M2") == snap(1, "M2")
        assert store.latest_snapshot("M2", run_id="other") == snap(3, "M2")


def test_a_generation_is_written_once(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_snapshots([snap(1, note="first")])
        store.save_snapshots([snap(1, note="second")])
        latest = store.latest_snapshot("M1")
    assert latest is not None and latest.state["note"] == "first"


def test_infinite_floats_survive(store_url: str) -> None:
    """A wear trend with no end in sight has hours_to_danger = inf."""
    with open_store(store_url) as store:
        store.save_snapshots([snap(1, hours=[math.inf, -math.inf, 0.1 + 0.2])])
        latest = store.latest_snapshot("M1")
    assert latest is not None and latest.state["hours"] == [math.inf, -math.inf, 0.1 + 0.2]


def test_readings_after_none_is_the_whole_log_in_seq_order(store_url: str) -> None:
    same_instant = [vib("M1-vib", seq, 0) for seq in (10, 9, 11)]
    with open_store(store_url) as store:
        store.append([vib("M1-tmp", 0, 5), *same_instant, vib("M1-vib", 12, 1)])
        got = store.readings_after("M1", None)
    assert [(r.device_id, r.seq) for r in got] == [
        ("M1-vib", 9),
        ("M1-vib", 10),
        ("M1-vib", 11),
        ("M1-vib", 12),
        ("M1-tmp", 0),
    ]


def test_readings_after_a_position_skip_what_it_covers(store_url: str) -> None:
    log = [
        vib("M1-vib", 0, 0),
        vib("M1-vib", 1, 15),
        vib("M1-tmp", 0, 15),
        vib("M1-tmp", 1, 20),  # arrived late: the snapshot had not seen it
        vib("M1-vib", 2, 30),
        vib("M1-new", 0, 25),  # a device the snapshot does not know
    ]
    position = ReadingPosition(
        last_seq={"M1-vib": 1, "M1-tmp": 0}, since=T0 + timedelta(minutes=15)
    )
    with open_store(store_url) as store:
        store.append([*log, vib("M2-vib", 5, 40).model_copy(update={"asset_id": "M2"})])
        got = store.readings_after("M1", position)
    assert got == [log[3], log[5], log[4]]


def test_readings_after_do_not_read_before_since(store_url: str) -> None:
    """A reading older than `since` is not fetched even if its seq is uncovered."""
    position = ReadingPosition(last_seq={"M1-vib": 5}, since=T0 + timedelta(minutes=30))
    with open_store(store_url) as store:
        store.append([vib("M1-old", 0, 0), vib("M1-vib", 6, 45)])
        got = store.readings_after("M1", position)
    assert [(r.device_id, r.seq) for r in got] == [("M1-vib", 6)]


def test_hosts_opening_a_fresh_store_together(store_url: str) -> None:
    """Agent hosts start at once and each opens the store: the schema is created once."""
    barrier = threading.Barrier(4)

    def open_and_save(generation: int) -> None:
        barrier.wait()
        with open_store(store_url) as store:
            store.save_snapshots([snap(generation)])

    threads = [threading.Thread(target=open_and_save, args=(g,)) for g in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open_store(store_url) as store:
        assert store.latest_snapshot("M1") == snap(4)
