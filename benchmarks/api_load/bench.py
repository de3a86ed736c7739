"""The command: arguments, the live system around the clients, the report.

SIGTERM is turned into the same exception as Ctrl-C while the benchmark
runs, so both leave through the system's `with` block and stop every
process it started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from benchmarks.api_load.census import census
from benchmarks.api_load.load import STREAM, TICKET, Route, run_load
from benchmarks.api_load.processes import ChildExitedError
from benchmarks.api_load.report import figures, table
from benchmarks.api_load.system import (
    DEMO,
    RATE_BURST,
    RATE_PER_S,
    LiveSystem,
    LiveSystemError,
    SystemSettings,
)

PROG = "python -m benchmarks.api_load"
DESCRIPTION = "The operations-center API under concurrent clients, with the live system running."


def main(argv: Sequence[str] | None = None) -> int:
    """Measure as `argv` says and print the report; the exit code."""
    args = _parser().parse_args(argv)
    streams = args.streams if args.streams is not None else max(1, min(5, args.clients // 10))
    if args.clients < 2 or not 1 <= streams < args.clients:
        _say("expected --clients >= 2 and 1 <= --streams < --clients")
        return 2
    if args.seconds <= 0 or args.warmup_seconds < 0 or args.speed <= 0:
        _say("expected --seconds > 0, --warmup-seconds >= 0 and --speed > 0")
        return 2
    previous = signal.signal(signal.SIGTERM, _interrupted)
    try:
        found = measure(args, streams)
    except KeyboardInterrupt:
        _say("interrupted; every process it started is stopped")
        return 130
    except (LiveSystemError, ChildExitedError) as exc:
        _say(str(exc))
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(json.dumps(found, indent=2) if args.json else table(found))
    return 0


def measure(args: argparse.Namespace, streams: int) -> dict[str, Any]:
    """Start the system, warm it up, run the clients, and gather the figures."""
    settings = SystemSettings(db=args.db, speed=args.speed, scenario=args.scenario)
    load_average = os.getloadavg()[0]
    began = time.monotonic()
    with LiveSystem(settings) as system:
        _say(f"system up in {time.monotonic() - began:.1f} s (store {system.store_url})")
        network = system.scenario.network
        asset = args.history_asset or network.machines[0].id
        routes = _routes(asset, system.history_query())
        system.wait_warm(asset)
        _say(f"a plan and readings in the store after {time.monotonic() - began:.1f} s")
        system.keep_running(args.warmup_seconds)
        start = census(system.store_url, network)
        _say(f"{args.clients} clients for {args.seconds:g} s")
        cpu_before, own_before = system.cpu_seconds(), time.process_time()
        result = asyncio.run(
            run_load(
                system.base_url,
                system.viewer_key,
                routes,
                pollers=args.clients - streams,
                streams=streams,
                seconds=args.seconds,
            )
        )
        cpu_after, own_after = system.cpu_seconds(), time.process_time()
        system.check()
        end = census(system.store_url, network)
        _say("stopping")
    _say(f"stopped after {time.monotonic() - began:.1f} s")
    cpu = {name: _spent(cpu_before[name], cpu_after[name]) for name in cpu_before}
    cpu["clients"] = own_after - own_before
    return figures(
        result,
        [r.label for r in routes] + [TICKET, STREAM],
        settings={
            "clients": args.clients,
            "pollers": args.clients - streams,
            "streams": streams,
            "seconds": args.seconds,
            "warmup_seconds": args.warmup_seconds,
            "db": args.db,
            "device_speed": args.speed,
            "scenario": str(args.scenario),
            "history_asset": asset,
            "rate_per_s": RATE_PER_S,
            "rate_burst": RATE_BURST,
            "cores": os.cpu_count(),
            "load_average_1m": load_average,
        },
        store={"start": start, "end": end},
        cpu_seconds=cpu,
    )


def _routes(asset: str, history_query: str) -> list[Route]:
    """The GET routes the page and an operator's client use, as the pollers ask them."""
    return [
        Route("GET /api/assets", "/api/assets"),
        Route("GET /api/alerts", "/api/alerts?limit=100"),  # as the page asks
        Route("GET /api/kpis", "/api/kpis"),
        Route("GET /api/plans", "/api/plans"),
        Route("GET /api/plans/current", "/api/plans/current"),
        Route("GET /api/assets/{id}/history", f"/api/assets/{asset}/history?{history_query}"),
    ]


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients in all")
    parser.add_argument(
        "--streams",
        type=int,
        default=None,
        help="of the clients, how many hold the live stream (default: one in ten, 1 to 5)",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the clients run")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=10.0,
        help="how long the system runs, once the store holds a plan and readings, before "
        "the clients start",
    )
    parser.add_argument(
        "--speed", type=float, default=60.0, help="the devices' simulated seconds per wall second"
    )
    parser.add_argument("--scenario", type=Path, default=DEMO, help="scenario TOML")
    parser.add_argument(
        "--history-asset",
        default=None,
        help="the asset whose history is asked (default: the scenario's first machine)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser
