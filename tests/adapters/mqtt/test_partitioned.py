"""Partitioned ingest: one of two consumer processes SIGKILLed mid-stream loses nothing.

Two consumers (`IngestWorkers`) on a private broker and a PostgreSQL store,
one site each. Consumer 0's hand-off to this process is held after its
first batch, so its pipe fills and it stops inside a committed, not yet
acknowledged batch with most of its backlog still ahead; then it is
SIGKILLed. Its supervisor starts it again under the same client id, the
broker redelivers what it had not acknowledged, and the store must end up
with every reading of both sites (so nothing the killed consumer
acknowledged was lost), while the agents' view (the hand-off, duplicates of
a redelivery dropped as the agents' highest-sequence dedupe does) sees each
device's readings in order without a gap.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from adapters.mqtt.ingest import ChannelQos
from adapters.mqtt.workers import Committed, IngestWorkers
from adapters.store import open_store
from tests.adapters.mqtt.conftest import publish_all
from tests.adapters.mqtt.payloads import encode, scan
from tests.adapters.mqtt.test_ingest import EVER
from tests.brokers import PrivateBroker

KILLED_SITE_EVENTS = 1_500
"""Far more than the pipe holds (64 KiB, ~20 batches of 25 scans), so the
held consumer stops with most of its backlog unconsumed."""
OTHER_SITE_EVENTS = 300


def _events(site: str, asset: str, count: int) -> list[tuple[str, bytes]]:
    topic = f"supplysync/{site}/machine/{asset}/events"
    return [(topic, encode(scan(seq, asset=asset))) for seq in range(count)]


def _in_order_without_gaps(seqs: list[int]) -> list[int]:
    """`seqs` as the agents keep them: a seq not above the highest seen is a duplicate."""
    kept: list[int] = []
    for seq in seqs:
        if not kept or seq > kept[-1]:
            kept.append(seq)
    return kept


def test_a_consumer_killed_mid_stream_loses_nothing_it_acknowledged(
    broker: PrivateBroker, pg_store_url: str
) -> None:
    handed: dict[str, list[int]] = {"m1": [], "m2": []}
    expected = {"m1": KILLED_SITE_EVENTS, "m2": OTHER_SITE_EVENTS}

    async def scenario() -> tuple[int, int]:
        first = asyncio.Event()
        gate = asyncio.Event()
        complete = asyncio.Event()

        async def agents(batch: Committed) -> None:
            for r in batch.readings:
                handed[r.asset_id].append(r.seq)
            if batch.worker == 0 and not first.is_set():
                first.set()
                await gate.wait()  # the pipe fills behind this: consumer 0 stops mid-batch
            if all(len(set(handed[a])) == n for a, n in expected.items()):
                complete.set()

        async with IngestWorkers(
            store_url=pg_store_url,
            broker=broker.url,
            n=2,
            on_committed=agents,
            sites=[("plant-1",), ("plant-2",)],
            qos=ChannelQos(),
            batch_max=25,
            follow_clock=False,
            restart_delay_s=0.1,
        ) as workers:
            await asyncio.wait_for(workers.wait_connected(), 30)
            await publish_all(
                broker.port,
                _events("plant-1", "m1", KILLED_SITE_EVENTS)
                + _events("plant-2", "m2", OTHER_SITE_EVENTS),
            )
            await asyncio.wait_for(first.wait(), 30)
            pid = workers.pid(0)
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            while not _dead(pid):  # not reaped while its hand-off is held: a zombie
                await asyncio.sleep(0.01)
            with open_store(pg_store_url) as store:
                stored_at_kill = len(store.readings("m1", *EVER))
            gate.set()
            await asyncio.wait_for(complete.wait(), 30)
            return stored_at_kill, workers.restarts

    stored_at_kill, restarts = asyncio.run(scenario())
    assert 0 < stored_at_kill < KILLED_SITE_EVENTS  # really killed mid-stream
    assert restarts == 1
    with open_store(pg_store_url) as store:
        for asset, count in expected.items():
            assert sorted(r.seq for r in store.readings(asset, *EVER)) == list(range(count))
    assert _in_order_without_gaps(handed["m1"]) == list(range(KILLED_SITE_EVENTS))
    assert handed["m2"] == list(range(OTHER_SITE_EVENTS))  # the other consumer, untouched


def _dead(pid: int) -> bool:
    """Whether process `pid` has exited (a zombie, or reaped already)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"


def test_sqlite_is_refused_for_more_than_one_consumer(tmp_path: Path) -> None:
    async def nothing(batch: Committed) -> None:
        pass

    with pytest.raises(ValueError, match="--ingest-workers 2: SQLite takes one writer"):
        IngestWorkers(
            store_url=f"sqlite:///{tmp_path}/events.db",
            broker="mqtt://127.0.0.1:1883",
            n=2,
            on_committed=nothing,
            sites=[("a",), ("b",)],
        )
