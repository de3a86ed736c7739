"""Readings per second through `AgentDirectory.ingest`, per placement and network size.

Run as `python -m benchmarks.agents_throughput [--assets 10 100 1000] [--json]`.
For each size it builds a synthetic network (machines, warehouses, vehicles
and suppliers in fixed proportions), generates readings as docs/sensors.md
describes them, batches them with `ReadingBatcher` and times `ingest` end to
end, driver-side grouping included. Memory per asset is the summed VmRSS of
the host processes divided by the assets. Per-asset placement stops at the
first size whose projected memory (sizes x measured RSS per actor) would pass
60 % of RAM or whose projected start would pass 300 s.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cluster.bootstrap import shutdown, start_ray
from cluster.hosts import RayDirectory
from runtime.batching import ReadingBatcher
from runtime.directory import AgentDirectory, InlineDirectory
from supplysync.network import (
    Customer,
    Location,
    Machine,
    Network,
    Plant,
    Product,
    Supplier,
    SupplyQuote,
    Vehicle,
    Warehouse,
)
from supplysync.readings import (
    FuelReading,
    HumidityReading,
    LocationReading,
    PressureReading,
    Reading,
    RuntimeReading,
    StockLevelReading,
    TemperatureReading,
    VibrationReading,
)
from supplysync.settings import RuntimeSettings

START = datetime(2026, 3, 2, tzinfo=UTC)
STEP = timedelta(minutes=15)
MEMORY_FRACTION = 0.6
MAX_START_S = 300.0
PRIOR_RSS_MB, PRIOR_START_S = 100.0, 0.4  # the reference design's figures, until measured here


@dataclass
class Row:
    placement: str
    assets: int
    hosts: int
    readings: int
    calls: int
    readings_per_s: float
    mb_per_asset: float | None
    start_s: float
    dead_letters: int


# ------------------------------------------------------------------ network


def _where(rng: random.Random) -> Location:
    return Location(lat=rng.uniform(48.0, 54.0), lon=rng.uniform(6.0, 14.0))


def synthetic_network(n_assets: int, seed: int = 0) -> Network:
    """A network of `n_assets` agent-bearing assets: 40 % machines, 15 % warehouses,
    30 % vehicles, the rest suppliers (at least one warehouse)."""
    rng = random.Random(seed)
    products = [
        Product(
            id=f"P{i}",
            name=f"part {i}",
            unit_value=20 + i,
            holding_cost_per_day=0.05,
            shortage_penalty=100,
        )
        for i in range(4)
    ]
    products.append(
        Product(
            id="COLD",
            name="chilled",
            unit_value=90,
            holding_cost_per_day=0.2,
            shortage_penalty=250,
            temp_min_c=2,
            temp_max_c=8,
        )
    )
    ids = [p.id for p in products]
    n_wh = max(1, round(0.15 * n_assets))
    n_m = round(0.40 * n_assets)
    n_v = round(0.30 * n_assets)
    n_s = max(0, n_assets - n_wh - n_m - n_v)
    warehouses = [
        Warehouse(
            id=f"W{i}",
            name=f"warehouse {i}",
            location=_where(rng),
            region=f"r{i % 5}",
            capacity_units=20_000,
            initial_stock=dict.fromkeys(ids, 400.0),
            reorder_point=dict.fromkeys(ids, 150.0),
            order_quantity=dict.fromkeys(ids, 300.0),
        )
        for i in range(n_wh)
    ]
    plants = [
        Plant(
            id=f"PL{i}",
            name=f"plant {i}",
            location=_where(rng),
            region=f"r{i % 5}",
            output_warehouse_id=warehouses[i % n_wh].id,
        )
        for i in range(math.ceil(n_m / 5))
    ]
    machines = [
        Machine(
            id=f"M{i}",
            name=f"machine {i}",
            plant_id=plants[i // 5].id,
            rates={p: rng.uniform(2, 30) for p in rng.sample(ids[:4], 2)},
        )
        for i in range(n_m)
    ]
    vehicles = [
        Vehicle(
            id=f"V{i}",
            name=f"vehicle {i}",
            depot_id=warehouses[i % n_wh].id,
            capacity_units=600,
            refrigerated=i % 3 == 0,
        )
        for i in range(n_v)
    ]
    suppliers = [
        Supplier(
            id=f"S{i}",
            name=f"supplier {i}",
            location=_where(rng),
            region=f"r{i % 5}",
            quotes=[
                SupplyQuote(product_id=p, capacity_per_day=300, lead_time_days=2, unit_price=15)
                for p in rng.sample(ids, 2)
            ],
        )
        for i in range(n_s)
    ]
    customers = [
        Customer(
            id=f"C{i}",
            name=f"customer {i}",
            location=_where(rng),
            region=f"r{i % 5}",
            demand_per_day={p: 10.0 for p in rng.sample(ids, 3)},
        )
        for i in range(max(1, n_assets // 10))
    ]
    return Network(
        products=products,
        suppliers=suppliers,
        plants=plants,
        machines=machines,
        warehouses=warehouses,
        customers=customers,
        vehicles=vehicles,
    )


# ----------------------------------------------------------------- readings


class _Seqs:
    """`seq` per device, counting up from 0 across every kind the device emits."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def __call__(self, device: str) -> int:
        value = self._next.get(device, 0)
        self._next[device] = value + 1
        return value


def readings_for(network: Network, steps: int, seed: int = 0) -> Iterator[Reading]:
    """`steps` 15-minute steps of sensor traffic, in time order (docs/sensors.md)."""
    rng, seq = random.Random(seed), _Seqs()
    products = [p.id for p in network.products]
    for k in range(steps):
        ts, hourly = START + k * STEP, k % 4 == 0
        for m in network.machines:
            yield VibrationReading(
                device_id=f"{m.id}-vib",
                asset_id=m.id,
                seq=seq(f"{m.id}-vib"),
                ts=ts,
                mm_s_rms=max(0.0, rng.gauss(1.3, 0.1)),
            )
            yield TemperatureReading(
                device_id=f"{m.id}-temp",
                asset_id=m.id,
                seq=seq(f"{m.id}-temp"),
                ts=ts,
                celsius=rng.gauss(51, 0.5),
            )
            yield PressureReading(
                device_id=f"{m.id}-press",
                asset_id=m.id,
                seq=seq(f"{m.id}-press"),
                ts=ts,
                kpa=rng.gauss(600, 5),
            )
            yield RuntimeReading(
                device_id=f"{m.id}-plc",
                asset_id=m.id,
                seq=seq(f"{m.id}-plc"),
                ts=ts,
                hours=1000 + 0.25 * k,
                running=True,
            )
        for w in network.warehouses:
            env = f"{w.id}-env"
            yield TemperatureReading(
                device_id=env, asset_id=w.id, seq=seq(env), ts=ts, celsius=rng.gauss(4, 0.3)
            )
            yield HumidityReading(
                device_id=env, asset_id=w.id, seq=seq(env), ts=ts, percent_rh=rng.uniform(40, 50)
            )
            if hourly:
                for p in products:
                    yield StockLevelReading(
                        device_id=f"{w.id}-shelf",
                        asset_id=w.id,
                        seq=seq(f"{w.id}-shelf"),
                        ts=ts,
                        product_id=p,
                        units=400.0,
                    )
        for v in network.vehicles:
            depot = network.location_of(v.depot_id)
            yield LocationReading(
                device_id=f"{v.id}-gps",
                asset_id=v.id,
                seq=seq(f"{v.id}-gps"),
                ts=ts,
                lat=depot.lat,
                lon=depot.lon,
                speed_kmh=0.0,
            )
            yield TemperatureReading(
                device_id=f"{v.id}-cargo",
                asset_id=v.id,
                seq=seq(f"{v.id}-cargo"),
                ts=ts,
                celsius=rng.gauss(4 if v.refrigerated else 14, 0.3),
            )
            if hourly:
                yield FuelReading(
                    device_id=f"{v.id}-can",
                    asset_id=v.id,
                    seq=seq(f"{v.id}-can"),
                    ts=ts,
                    percent=max(0.0, 90 - 0.1 * k),
                )
        if hourly:
            for s in network.suppliers:
                trk = f"{s.id}-trk-PO-{s.id}-1"
                yield LocationReading(
                    device_id=trk,
                    asset_id=s.id,
                    seq=seq(trk),
                    ts=ts,
                    lat=s.location.lat,
                    lon=s.location.lon,
                    speed_kmh=0.0,
                    shipment_id=f"PO-{s.id}-1",
                )


def batches(readings: Iterator[Reading], size: int) -> list[tuple[datetime, list[Reading]]]:
    """Readings cut by `ReadingBatcher` on size, each with the time of its last reading."""
    batcher = ReadingBatcher(size, timedelta(days=365))
    out: list[tuple[datetime, list[Reading]]] = []
    for reading in readings:
        batcher.add([reading], reading.ts)
        if batcher.due(reading.ts):
            out.append((reading.ts, batcher.drain()))
    if len(batcher):
        tail = batcher.drain()
        out.append((tail[-1].ts, tail))
    return out


# -------------------------------------------------------------- measurement


def rss_mb(pid: int) -> float:
    """Resident memory of a process from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ram_mb() -> float:
    line = Path("/proc/meminfo").read_text().splitlines()[0]  # MemTotal
    return int(line.split()[1]) / 1024


def measure(
    placement: str,
    network: Network,
    settings: RuntimeSettings,
    work: list[tuple[datetime, list[Reading]]],
) -> Row:
    began = time.perf_counter()
    if placement == "inline":
        directory: AgentDirectory = InlineDirectory.start(network)
    else:
        directory = RayDirectory.start(
            network, settings.model_copy(update={"placement": placement})
        )
    start_s = time.perf_counter() - began
    with directory:
        (warm_now, warm), timed = work[0], work[1:]
        directory.ingest(warm, warm_now)
        calls_before, began = directory.host_calls, time.perf_counter()
        for now, batch in timed:
            directory.ingest(batch, now)
        elapsed = time.perf_counter() - began
        n = len(network.asset_kinds())
        memory = None if placement == "inline" else sum(map(rss_mb, directory.pids())) / n
        return Row(
            placement=placement,
            assets=n,
            hosts=directory.host_count,
            readings=sum(len(b) for _, b in timed),
            calls=directory.host_calls - calls_before,
            readings_per_s=sum(len(b) for _, b in timed) / elapsed,
            mb_per_asset=memory,
            start_s=start_s,
            dead_letters=len(directory.dead_letters()),
        )


def per_asset_veto(n: int, rss_per_host: float, start_per_host: float) -> str | None:
    """Why per-asset placement should not be tried for `n` assets, or None."""
    budget = MEMORY_FRACTION * ram_mb()
    if n * rss_per_host > budget:
        return (
            f"{n} actors x {rss_per_host:.0f} MB = {n * rss_per_host / 1024:.1f} GB "
            f"> {MEMORY_FRACTION:.0%} of RAM ({budget / 1024:.1f} GB)"
        )
    if n * start_per_host > MAX_START_S:
        return (
            f"{n} actors x {start_per_host:.2f} s = {n * start_per_host:.0f} s start "
            f"> {MAX_START_S:.0f} s"
        )
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--readings", type=int, default=60_000, help="timed readings per run")
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000, help="readings per ingest call")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    settings = RuntimeSettings(shards=args.shards, batch_max_readings=args.batch)
    rows: list[Row] = []
    notes: list[str] = []
    rss_per_host, start_per_host = PRIOR_RSS_MB, PRIOR_START_S
    start_ray(settings)
    try:
        for n in sorted(args.assets):
            network = synthetic_network(n)
            per_step = sum(1 for _ in readings_for(network, 4)) / 4
            steps = max(8, math.ceil((args.readings + args.batch) / per_step))
            work = batches(readings_for(network, steps), args.batch)
            for placement in ("inline", "sharded", "per-asset"):
                if placement == "per-asset":
                    veto = per_asset_veto(n, rss_per_host, start_per_host)
                    if veto:
                        notes.append(f"per-asset stops at {n} assets: {veto}")
                        continue
                row = measure(placement, network, settings, work)
                rows.append(row)
                if placement == "per-asset" and row.mb_per_asset is not None:
                    rss_per_host, start_per_host = row.mb_per_asset, row.start_s / row.hosts
    finally:
        shutdown()
    if args.json:
        print(json.dumps({"rows": [asdict(r) for r in rows], "notes": notes}, indent=2))
    else:
        print(table(rows))
        for note in notes:
            print(note)


def table(rows: list[Row]) -> str:
    head = (
        f"{'placement':<10} {'assets':>6} {'hosts':>5} {'readings/s':>11} {'calls':>6} "
        f"{'MB/asset':>8} {'start s':>7} {'dead':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        mb = "-" if r.mb_per_asset is None else f"{r.mb_per_asset:.1f}"
        lines.append(
            f"{r.placement:<10} {r.assets:>6} {r.hosts:>5} {r.readings_per_s:>11,.0f} "
            f"{r.calls:>6} {mb:>8} {r.start_s:>7.2f} {r.dead_letters:>5}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
