"""Partitioned ingest: 1, 2, 4 ... consumer processes on PostgreSQL at a fixed offered rate.

Run as `supplysync bench ingest --consumers 1,2,4 --store postgresql://...
[--offered 100000] [--readings N] [--batch B] [--broker mqtt://127.0.0.1:PORT]`.

Each row is one run of `adapters.mqtt.workers.IngestWorkers` with N
consumers, as `supplysync run --ingest-workers N` starts them: each its own
process, client id, session and store connection, subscribed to its own
sites' telemetry at QoS 1, acknowledging after its own commit. The stream
is the single-consumer benchmark's (gateway messages of B temperatures
from 20 assets, one publisher process), spread over 4 sites of 5 assets,
so 1, 2 and 4 consumers each get an equal share; it is offered at a fixed
rate (`--offered`), `--readings` in all. Every run writes to a fresh schema
of the database named by `--store` (dropped afterwards).

Per row: readings/s from the first publish to the last reading committed
(all consumers), the ratio to one consumer, and p50/p99 of each reading's
age at its commit (timestamp set by the publisher; wall clock, one host).
Consumers send only those ages to this process (`forward="latency"`), so
what is measured is the ingest, not the pickling of readings for agents.
At an offered rate above what N consumers take, readings/s is their
capacity and the latency is queueing, growing with the run's length.

A run is a finite burst, so its last moments can belong to one consumer
alone: one that got less CPU than the others (on a small host, the one
sharing its core with the publisher) still drains its sites while the
rest are done, and readings/s counts that tail. "all busy/s" is the rate
while every consumer still had work: everything committed up to the
moment the first consumer committed its last reading, over that time.
With one consumer it is readings/s. It is the group's capacity under a
stream that does not stop; readings/s is what a burst of this size sees.

The ceiling is `mosquitto_sub` receiving the same stream flat out in the
same run. And since the answer on a small machine is "where did the CPU
go", each row ends with the CPU seconds the run took, by process group:
consumers, broker, publisher, PostgreSQL server processes (all of them on
the host, so another user's queries count too), and this process (relaying
the consumers' pipes), against cores x seconds.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import os
import statistics
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from adapters.mqtt.ingest import ChannelQos
from adapters.mqtt.partition import assign
from adapters.mqtt.workers import Committed, IngestWorkers
from benchmarks.ingest import _ceiling, broker_port
from benchmarks.load import ASSETS, SITES, Publisher

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Row:
    """One run: N consumers at one offered rate."""

    consumers: int
    offered_per_s: float
    readings: int
    seconds: float
    readings_per_s: float
    ratio: float
    busy_readings_per_s: float
    busy_ratio: float
    p50_ms: float
    p99_ms: float
    cpu_consumers_s: float
    cpu_broker_s: float
    cpu_publisher_s: float
    cpu_postgres_s: float
    cpu_parent_s: float


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _postgres_cpu_s() -> float:
    """CPU seconds of every `postgres` process on the host (server and backends) so far."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                if (proc / "comm").read_text().strip() == "postgres":
                    total += _cpu_s(int(proc.name))
    return total


@contextlib.contextmanager
def _schema(database: str, name: str) -> Iterator[str]:
    """A fresh schema in `database`, as a store URL; dropped at the end."""
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        conn.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in database else "?"
    try:
        yield f"{database}{sep}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def while_all_busy(progress: Mapping[int, Sequence[tuple[float, int]]], start: float) -> float:
    """Readings/s from `start` until the first consumer committed its last batch.

    Args:
        progress: per consumer, `(wall time, readings committed so far)` at
            each of its commits, in time order.
        start: the wall time of the first publish.
    """
    first_done = min(steps[-1][0] for steps in progress.values())
    committed = 0
    for steps in progress.values():
        at = bisect.bisect_right([t for t, _ in steps], first_done)
        committed += steps[at - 1][1] if at else 0
    return committed / (first_done - start)


def _sites(n: int) -> tuple[tuple[str, ...], ...]:
    weights: dict[str, int] = {}
    for asset in range(ASSETS):
        site = f"site-{asset % SITES}"
        weights[site] = weights.get(site, 0) + 1
    return assign(weights, n)


async def _run(
    *,
    port: int,
    broker_pid: int | None,
    store: str,
    n: int,
    rate: float,
    total: int,
    batch: int,
    run: int,
) -> tuple[int, float, float, list[float], dict[str, float]]:
    ages: list[float] = []
    progress: dict[int, list[tuple[float, int]]] = {}
    done = asyncio.Event()

    async def count(committed: Committed) -> None:
        steps = progress.setdefault(committed.worker, [])
        steps.append((time.time(), (steps[-1][1] if steps else 0) + committed.count))
        if committed.ages_s is not None:
            ages.extend(committed.ages_s)
        if len(ages) >= total:
            done.set()

    async with IngestWorkers(
        store_url=store,
        broker=f"mqtt://127.0.0.1:{port}",
        n=n,
        on_committed=count,
        sites=_sites(n),
        qos=ChannelQos(telemetry=1),
        forward="latency",
        follow_clock=False,
        session_prefix=f"bench-ingest-{os.getpid()}-{run}",
    ) as workers:
        await asyncio.wait_for(workers.wait_connected(), 120)
        pids = workers.pids()
        before = {
            "consumers": sum(_cpu_s(p) for p in pids),
            "broker": _cpu_s(broker_pid) if broker_pid else 0.0,
            "children": sum(os.times()[2:4]),
            "postgres": _postgres_cpu_s(),
            "parent": sum(os.times()[0:2]),
        }
        publisher = Publisher(port, total, batch, rate, run)
        await asyncio.wait_for(done.wait(), timeout=600)
        seconds = publisher.seconds_since_first_publish()
        busy_per_s = while_all_busy(progress, time.time() - seconds)
        after_consumers = sum(_cpu_s(p) for p in pids)
        after_postgres = _postgres_cpu_s()
        after_broker = _cpu_s(broker_pid) if broker_pid else 0.0
        after_parent = sum(os.times()[0:2])
        await asyncio.to_thread(publisher.process.join)
        publisher_cpu = sum(os.times()[2:4]) - before["children"]  # joined: the publisher
    cpu = {
        "consumers": after_consumers - before["consumers"],
        "broker": after_broker - before["broker"],
        "publisher": publisher_cpu,
        "postgres": after_postgres - before["postgres"],
        "parent": after_parent - before["parent"],
    }
    return len(ages), seconds, busy_per_s, ages, cpu


def measure(
    *,
    port: int,
    broker_pid: int | None,
    database: str,
    consumers: Sequence[int],
    rates: Sequence[float],
    readings: int,
    batch: int,
) -> tuple[float, list[Row]]:
    """The `mosquitto_sub` ceiling (readings/s), then one row per rate and consumer count."""
    ceiling = _ceiling(port, readings, batch, 0).readings_per_s
    rows: list[Row] = []
    runs = itertools.count(1)
    for rate in rates:
        one: float | None = None
        busy_one: float | None = None
        for n in consumers:
            run = next(runs)
            with _schema(database, f"bench_ingest_{os.getpid()}_{run}") as store:
                count, seconds, busy, ages, cpu = asyncio.run(
                    _run(
                        port=port,
                        broker_pid=broker_pid,
                        store=store,
                        n=n,
                        rate=rate,
                        total=readings,
                        batch=batch,
                        run=run,
                    )
                )
            per_s = count / seconds
            one = per_s if one is None else one
            busy_one = busy if busy_one is None else busy_one
            ordered = sorted(ages)
            rows.append(
                Row(
                    consumers=n,
                    offered_per_s=rate,
                    readings=count,
                    seconds=seconds,
                    readings_per_s=per_s,
                    ratio=per_s / one,
                    busy_readings_per_s=busy,
                    busy_ratio=busy / busy_one,
                    p50_ms=1000 * statistics.median(ordered),
                    p99_ms=1000 * ordered[int(0.99 * (len(ordered) - 1))],
                    cpu_consumers_s=cpu["consumers"],
                    cpu_broker_s=cpu["broker"],
                    cpu_publisher_s=cpu["publisher"],
                    cpu_postgres_s=cpu["postgres"],
                    cpu_parent_s=cpu["parent"],
                )
            )
    return ceiling, rows


def report(
    *,
    broker: str | None,
    database: str,
    consumers: Sequence[int],
    rates: Sequence[float],
    readings: int,
    batch: int,
    as_json: bool,
) -> int:
    """Measure and print the table (or JSON); 0 on success."""
    load = os.getloadavg()[0]
    with broker_port(broker) as (port, pid):
        ceiling, rows = measure(
            port=port,
            broker_pid=pid,
            database=database,
            consumers=consumers,
            rates=rates,
            readings=readings,
            batch=batch,
        )
    cores = os.cpu_count() or 1
    if as_json:
        out = {
            "batch": batch,
            "cores": cores,
            "load_average_1m": load,
            "ceiling_readings_per_s": ceiling,
            "rows": [asdict(r) for r in rows],
        }
        print(json.dumps(out, indent=2))
        return 0
    print(f"mosquitto_sub (ceiling), flat out: {ceiling:,.0f} readings/s")
    print(
        f"{'consumers':>9}{'offered/s':>11}{'readings/s':>12}{'x one':>7}"
        f"{'all busy/s':>12}{'x one':>7}{'p50 ms':>9}"
        f"{'p99 ms':>9}   CPU s: consumers / broker / publisher / postgres / this process"
        "  of cores x s"
    )
    for r in rows:
        available = cores * r.seconds
        print(
            f"{r.consumers:>9}{r.offered_per_s:>11,.0f}{r.readings_per_s:>12,.0f}"
            f"{r.ratio:>7.2f}{r.busy_readings_per_s:>12,.0f}{r.busy_ratio:>7.2f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}   "
            f"{r.cpu_consumers_s:.1f} / {r.cpu_broker_s:.1f} / {r.cpu_publisher_s:.1f} / "
            f"{r.cpu_postgres_s:.1f} / {r.cpu_parent_s:.1f} of {available:.1f}"
        )
    print(f"({readings:,} readings a run in gateway messages of {batch}, QoS 1, PostgreSQL;")
    print(f" {cores} cores, 1-minute load average {load:.2f} at the start)")
    return 0
