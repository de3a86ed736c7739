"""Live-mode ingest: readings per second end to end, and latency at fixed rates.

Run as `supplysync bench ingest [--broker mqtt://127.0.0.1:PORT] [--readings N]
[--batch B] [--rates 1000,10000] [--json]`; the broker must be on 127.0.0.1 and
allow anonymous clients. Without `--broker` a private `mosquitto`
(persistence off) is started on a free port for the run.

What is measured, in one run and on the same payloads (gateway messages of
B temperature readings from 20 assets at 4 sites, published at QoS 1 on
`.../telemetry` by a separate publisher process, so the consumer's core is
its own; the ingest subscribes to telemetry at QoS 1 too, so every message
is acknowledged only after its batch is committed, as state-changing
messages always are):

- ceiling: `mosquitto_sub` receiving the stream (no decoding, no store);
- throughput: `MqttIngest` with a `StoreSink` on a fresh SQLite file
  (WAL, synchronous=FULL), with its default group-commit limits, handing
  readings to a counting "agent" callback: readings/s from the publisher's
  first publish to the last reading handed over (the publisher's process
  start, ~0.3 s of imports, is not the consumer's time and is left out);
  temperatures are sampled readings, stored many to a row
  (`adapters.store.batches`);
- the same flat out with stock levels on `.../events`: state-changing
  readings, one store row each;
- latency at each offered rate: reading timestamp (set by the publisher at
  publish) to hand-off, p50 and p99. Timestamps are wall-clock on one host.

Other work on the machine moves the flat-out figure a lot (another process
busy on one of two cores nearly halves it), so the table ends with the
1-minute load average at the start of the run.

`--consumers 1,2,4 --store postgresql://...` measures partitioned ingest
instead (`benchmarks.ingest_partitioned`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from adapters.mqtt.broker import BrokerAddress, Session
from adapters.mqtt.collector import tune_for_ingest
from adapters.mqtt.ingest import ChannelQos, MqttIngest
from adapters.mqtt.sink import StoreSink
from benchmarks.load import Publisher
from benchmarks.local import free_port, listening, which
from supplysync.readings import Reading


@dataclass(frozen=True)
class Figures:
    """One measurement, one table row."""

    scenario: str
    readings: int
    seconds: float
    readings_per_s: float
    p50_ms: float | None = None
    p99_ms: float | None = None


async def _ingest(
    port: int, total: int, batch: int, rate: float | None, run: int, db: str, stock: bool = False
) -> Figures:
    latencies: list[float] = []
    done = asyncio.Event()
    count = 0

    async def agents(readings: Sequence[Reading]) -> None:
        nonlocal count
        now = datetime.now(UTC)
        latencies.extend((now - r.ts).total_seconds() for r in readings)
        count += len(readings)
        if count >= total:
            done.set()

    async with (
        StoreSink(url=db, on_readings=agents) as sink,
        MqttIngest(
            broker=f"mqtt://127.0.0.1:{port}",
            sink=sink,
            session=Session(client_id=f"bench-ingest-{run}", receive_maximum=1000),
            qos=ChannelQos(telemetry=1),
        ) as ingest,
    ):
        await ingest.wait_connected()
        publisher = Publisher(port, total, batch, rate, run, stock)
        await asyncio.wait_for(done.wait(), timeout=300)
        seconds = publisher.seconds_since_first_publish()
        await asyncio.to_thread(publisher.process.join)
    name = "ingest, flat out" if rate is None else f"ingest at {rate:,.0f}/s"
    if stock:
        name = "ingest, stock levels"
    ordered = sorted(latencies)
    return Figures(
        name,
        count,
        seconds,
        count / seconds,
        p50_ms=1000 * statistics.median(ordered),
        p99_ms=1000 * ordered[int(0.99 * (len(ordered) - 1))],
    )


def _ceiling(port: int, total: int, batch: int, run: int) -> Figures:
    messages = total // batch
    sub = subprocess.Popen(
        [
            which("mosquitto_sub"),
            "-p",
            str(port),
            "-q",
            "1",
            "-t",
            "supplysync/+/+/+/telemetry",
            "-C",
            str(messages),
            "-i",
            f"bench-sub-{run}",
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)  # mosquitto_sub gives no signal when it has subscribed
    publisher = Publisher(port, total, batch, None, run)
    sub.wait(timeout=300)
    seconds = publisher.seconds_since_first_publish()
    publisher.process.join()
    return Figures("mosquitto_sub (ceiling)", total, seconds, total / seconds)


class _Mosquitto:
    """A throwaway broker on a free port, persistence off: the benchmark's default."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        conf = workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
        )
        self._proc = subprocess.Popen(
            [which("mosquitto"), "-c", str(conf)], stderr=subprocess.DEVNULL
        )
        self.pid = self._proc.pid
        for _ in range(100):
            if listening(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait()


@contextlib.contextmanager
def broker_port(broker: str | None) -> Iterator[tuple[int, int | None]]:
    """The port of `broker`, or of a private one (and its pid) for the block's length."""
    with tempfile.TemporaryDirectory() as tmp:
        private = None if broker else _Mosquitto(Path(tmp))
        try:
            if private:
                yield private.port, private.pid
            else:
                yield BrokerAddress.parse(str(broker)).port, None
        finally:
            if private:
                private.stop()


def measure(*, port: int, readings: int, batch: int, rates: Sequence[float]) -> list[Figures]:
    """Ceiling, flat-out throughput (sampled, then state-changing), latency at each rate."""
    rows = [_ceiling(port, readings, batch, 0)]
    tune_for_ingest()  # as `supplysync run` does for its own consumer
    runs: list[tuple[float | None, bool]] = [(None, False), (None, True)]
    runs += [(rate, False) for rate in rates]
    with tempfile.TemporaryDirectory() as tmp:
        for run, (rate, stock) in enumerate(runs, start=1):
            total = readings if rate is None else max(batch, int(min(readings, rate * 5)))
            db = f"sqlite:///{tmp}/events-{run}.db"
            rows.append(asyncio.run(_ingest(port, total, batch, rate, run, db, stock)))
    return rows


def report(
    *,
    broker: str | None,
    readings: int,
    batch: int,
    rates: Sequence[float],
    as_json: bool,
) -> int:
    """Measure and print a table (or JSON); 0 on success."""
    load = os.getloadavg()[0]
    with broker_port(broker) as (port, _):
        rows = measure(port=port, readings=readings, batch=batch, rates=rates)
    if as_json:
        out = {"batch": batch, "load_average_1m": load, "rows": [asdict(r) for r in rows]}
        print(json.dumps(out, indent=2))
        return 0
    print(f"{'scenario':<26}{'readings':>10}{'seconds':>9}{'readings/s':>12}", end="")
    print(f"{'p50 ms':>9}{'p99 ms':>9}")
    for r in rows:
        p50 = "" if r.p50_ms is None else f"{r.p50_ms:.1f}"
        p99 = "" if r.p99_ms is None else f"{r.p99_ms:.1f}"
        rate = f"{r.readings_per_s:>12,.0f}"
        print(f"{r.scenario:<26}{r.readings:>10,}{r.seconds:>9.2f}{rate}{p50:>9}{p99:>9}")
    print(f"(gateway messages of {batch} readings, QoS 1, SQLite synchronous=FULL;")
    print(f" {os.cpu_count()} cores, 1-minute load average {load:.2f} at the start)")
    return 0
