"""`bench vrp|replan|ingest`: the measurements of `benchmarks/`.

`benchmarks/` is part of a checkout, not of the installed package: a
benchmark is imported when its command runs, from the installed path or
else from the working directory when that is a checkout's root (as `make`
and CI run), and outside a checkout the command exits 2 saying so.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from console.options import Commands, refuse


def add_bench(sub: Commands) -> None:
    bench = sub.add_parser("bench", help="repeatable measurements that print a table")
    bench_sub = bench.add_subparsers(required=True, metavar="BENCHMARK")
    vrp = bench_sub.add_parser(
        "vrp",
        help="route CVRPLIB (.vrp) and Solomon (.txt) instances; gap to the best-known cost",
    )
    vrp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    vrp.add_argument("--time-limit", type=float, required=True, help="seconds per instance")
    vrp.add_argument("--json", action="store_true", help="print the results as JSON")
    vrp.set_defaults(func=_bench_vrp)
    replan = bench_sub.add_parser(
        "replan",
        help="cold build and solve, warm re-solve after events, and direct highspy, on "
        "generated networks",
    )
    replan.add_argument("--size", choices=("S", "M", "L"), action="append", help="repeatable")
    replan.add_argument("--events", type=int, default=20, help="events re-solved warm")
    replan.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve")
    replan.add_argument("--gap", type=float, default=0.01, help="relative MIP gap")
    replan.add_argument("--json", action="store_true", help="print the results as JSON")
    replan.set_defaults(func=_bench_replan)
    ingest = bench_sub.add_parser(
        "ingest",
        help="MQTT ingest end to end (broker to durable store to agents): readings/s, "
        "p50/p99 latency at fixed rates, and the mosquitto_sub ceiling",
    )
    ingest.add_argument(
        "--broker",
        default=None,
        metavar="URL",
        help="mqtt://127.0.0.1:PORT (default: a private one)",
    )
    ingest.add_argument(
        "--readings", type=int, default=200_000, help="readings in the flat-out run"
    )
    ingest.add_argument("--batch", type=int, default=100, help="readings per gateway message")
    ingest.add_argument("--rates", default="1000,10000", help="offered readings/s, comma-separated")
    ingest.add_argument("--json", action="store_true", help="print the results as JSON")
    ingest.add_argument(
        "--consumers",
        default=None,
        metavar="N,N",
        help="partitioned ingest instead: consumer processes per run, e.g. 1,2,4 (needs --store)",
    )
    ingest.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="with --consumers: the PostgreSQL database (a fresh schema per run)",
    )
    ingest.add_argument(
        "--offered",
        default="100000",
        help="with --consumers: offered readings/s, comma-separated",
    )
    ingest.set_defaults(func=_bench_ingest)


def benchmark(name: str) -> ModuleType | None:
    """`benchmarks.<name>`, or None (said on stderr) when there is no checkout to find it in."""
    if importlib.util.find_spec("benchmarks") is None:
        checkout = Path.cwd()
        if (checkout / "benchmarks" / "__init__.py").is_file():
            sys.path.append(str(checkout))
            importlib.invalidate_caches()
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in {"benchmarks", f"benchmarks.{name}"}:
            raise
    refuse(
        f"bench {name}: the benchmarks are not installed with supplysync; run it from the "
        "root of a checkout, where benchmarks/ is"
    )
    return None


def _bench_vrp(args: argparse.Namespace) -> int:
    if args.time_limit <= 0:
        return refuse("--time-limit must be positive")
    if (bench := benchmark("vrp")) is None:
        return 2
    from benchmarks.vrp_instances import InstanceFormatError  # found where `benchmark` found it

    try:
        return int(bench.report(args.files, time_limit_s=args.time_limit, as_json=args.json))
    except (InstanceFormatError, FileNotFoundError) as exc:
        return refuse(exc)


def _bench_replan(args: argparse.Namespace) -> int:
    if args.events < 1 or args.time_limit <= 0 or not 0 <= args.gap <= 1:
        return refuse("expected --events >= 1, --time-limit > 0 and 0 <= --gap <= 1")
    if (bench := benchmark("replan")) is None:
        return 2
    return int(
        bench.report(
            args.size or ["S"],
            events=args.events,
            time_limit_s=args.time_limit,
            mip_gap=args.gap,
            as_json=args.json,
        )
    )


def _bench_ingest(args: argparse.Namespace) -> int:
    try:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        rates = [-1.0]
    if not 1 <= args.batch <= 10_000 or args.readings < args.batch or min(rates, default=1) <= 0:
        return refuse("expected 1 <= --batch <= 10000, --readings >= --batch and positive --rates")
    if args.consumers is not None:
        return _bench_partitioned(args)
    if (bench := benchmark("ingest")) is None:
        return 2
    return int(
        bench.report(
            broker=args.broker,
            readings=args.readings,
            batch=args.batch,
            rates=rates,
            as_json=args.json,
        )
    )


def _bench_partitioned(args: argparse.Namespace) -> int:
    try:
        consumers = [int(n) for n in args.consumers.split(",") if n.strip()]
        offered = [float(r) for r in args.offered.split(",") if r.strip()]
    except ValueError:
        consumers, offered = [], []
    if not consumers or min(consumers) < 1 or not offered or min(offered) <= 0:
        return refuse("expected --consumers like 1,2,4 and positive --offered rates")
    if args.store is None or not args.store.startswith(("postgresql://", "postgres://")):
        return refuse(
            "expected --store postgresql://... with --consumers (SQLite takes one writer)"
        )
    if (bench := benchmark("ingest_partitioned")) is None:
        return 2
    return int(
        bench.report(
            broker=args.broker,
            database=args.store,
            consumers=consumers,
            rates=offered,
            readings=args.readings,
            batch=args.batch,
            as_json=args.json,
        )
    )
