"""Fault (a) of issue 4: the consumer killed mid-stream loses no acknowledged event.

The consumer runs in its own process and SIGKILLs itself once it has recorded
part of a backlog of QoS 1 events; a new consumer with the same client id
resumes the persistent session. Before manual acks, aiomqtt acknowledged
each message as it reached memory, so the backlog in memory at the kill
was lost for good; now the store must hold every event.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from adapters.store import open_store
from tests.adapters.mqtt.conftest import publish_all
from tests.adapters.mqtt.payloads import EVENTS, encode, scan
from tests.adapters.mqtt.test_ingest import EVER
from tests.brokers import PrivateBroker
from tests.conftest import ROOT

EVENT_COUNT = 1_000


@contextmanager
def consumer(
    broker: PrivateBroker, db: str, stop: signal.Signals, crash_after: int | None = None
) -> Iterator[IO[str]]:
    """A consumer process, ready and subscribed; its output; `stop` sent at the end.

    With `crash_after`, the process kills itself once it has recorded that many.
    """
    extra = [] if crash_after is None else [str(crash_after)]
    with subprocess.Popen(
        [sys.executable, "-m", "tests.adapters.mqtt.consumer", broker.url, db, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as process:
        assert process.stdout is not None
        try:
            assert process.stdout.readline().strip() == "ready"
            yield process.stdout
        finally:
            process.send_signal(stop)
            process.wait()


def test_a_consumer_killed_mid_stream_loses_no_acknowledged_event(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path}/events.db"
    events = [(EVENTS, encode(scan(seq))) for seq in range(EVENT_COUNT)]
    with consumer(broker, db, signal.SIGKILL, crash_after=200) as first:
        asyncio.run(publish_all(broker.port, events))
        for _ in first:  # until the process has killed itself
            pass
    with open_store(db) as store:
        assert len(store.readings("m1", *EVER)) < EVENT_COUNT  # really killed mid-stream

    with consumer(broker, db, signal.SIGTERM) as second:
        # the sentinel is queued behind the whole backlog: once it is
        # recorded, everything the first consumer left is too
        asyncio.run(publish_all(broker.port, [(EVENTS, encode(scan(EVENT_COUNT)))]))
        for _ in second:
            with open_store(db) as store:
                if EVENT_COUNT in {r.seq for r in store.readings("m1", *EVER)}:
                    break
    with open_store(db) as store:
        seqs = sorted(r.seq for r in store.readings("m1", *EVER))
    assert seqs == list(range(EVENT_COUNT + 1))
