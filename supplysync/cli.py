"""The `supplysync` command line.

This is the composition root: the one place in `supplysync/` that reaches
into the other packages, and only inside the command that needs them, so
`supplysync validate` stays fast and the vocabulary stays importable alone.

Exit codes: 0 success, 1 a run failed, 2 bad input (a scenario file that
does not validate, with the file and the field in the message).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from supplysync.scenario import Scenario, ScenarioError, load_scenario

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "demo.toml"
POLICY_ORDER = ("static", "reorder_point", "milp")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supplysync", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run a scenario under three policies on the embedded default and compare KPIs",
    )
    demo.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario TOML")
    demo.add_argument("--json", action="store_true", help="print KPIs as JSON on stdout")
    demo.add_argument(
        "--placement",
        choices=("auto", "per-asset", "sharded", "inline"),
        default=None,
        help="agent placement on Ray; 'inline' runs agents in-process without Ray",
    )
    demo.add_argument("--days", type=int, default=None, help="shorten the run to N days")
    demo.add_argument(
        "--policies",
        default=",".join(POLICY_ORDER),
        help=f"comma-separated subset of {','.join(POLICY_ORDER)}",
    )
    demo.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="record every run in an event store: sqlite:///path or postgresql://...",
    )
    demo.set_defaults(func=_demo)

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

    validate = sub.add_parser("validate", help="check a scenario file and summarise it")
    validate.add_argument("scenario", type=Path)
    validate.set_defaults(func=_validate)
    return parser


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    net = scenario.network
    print(
        f"{args.scenario}: scenario {scenario.name!r} is valid: {len(net.suppliers)} suppliers, "
        f"{len(net.plants)} plants, {len(net.machines)} machines, {len(net.warehouses)} "
        f"warehouses, {len(net.customers)} customers, {len(net.vehicles)} vehicles, "
        f"{len(net.products)} products, {scenario.simulation.days} days, "
        f"{len(scenario.disruptions)} disruptions"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.days is not None:
        scenario = _shorten(scenario, args.days)
    policies = [p.strip() for p in args.policies.split(",") if p.strip()]
    unknown = [p for p in policies if p not in POLICY_ORDER]
    if unknown:
        print(f"supplysync: unknown policy {unknown[0]!r}", file=sys.stderr)
        return 2

    from adapters.store import StoreError
    from cluster.demo import run_demo

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = run_demo(
            scenario, policies, placement=args.placement, progress=progress, db_url=args.db
        )
    except StoreError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result))
    return 0


def _bench_vrp(args: argparse.Namespace) -> int:
    if args.time_limit <= 0:
        print("supplysync: --time-limit must be positive", file=sys.stderr)
        return 2
    from benchmarks.vrp import report
    from optimizer.vrp import InstanceFormatError

    try:
        return report(args.files, time_limit_s=args.time_limit, as_json=args.json)
    except (InstanceFormatError, FileNotFoundError) as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2


def _bench_replan(args: argparse.Namespace) -> int:
    if args.events < 1 or args.time_limit <= 0 or not 0 <= args.gap <= 1:
        message = "expected --events >= 1, --time-limit > 0 and 0 <= --gap <= 1"
        print(f"supplysync: {message}", file=sys.stderr)
        return 2
    from benchmarks.replan import report

    return report(
        args.size or ["S"],
        events=args.events,
        time_limit_s=args.time_limit,
        mip_gap=args.gap,
        as_json=args.json,
    )


def _shorten(scenario: Scenario, days: int) -> Scenario:
    if not 1 <= days <= scenario.simulation.days:
        raise ScenarioError(f"--days must be between 1 and {scenario.simulation.days}")
    simulation = scenario.simulation.model_copy(update={"days": days})
    return scenario.model_copy(update={"simulation": simulation})


_ROWS = (
    ("fill_rate", "fill rate", "{:.1%}"),
    ("on_time_rate", "on-time delivery", "{:.1%}"),
    ("inventory_carrying_cost", "inventory carrying cost", "{:,.0f}"),
    ("unplanned_downtime_hours", "unplanned downtime (h)", "{:.1f}"),
    ("planned_maintenance_hours", "planned maintenance (h)", "{:.1f}"),
    ("cold_chain_breaches", "cold-chain breaches", "{:d}"),
    ("spoiled_units", "spoiled units", "{:,.0f}"),
    ("refused_units", "receipts refused (full)", "{:,.0f}"),
    ("replans", "plans made", "{:d}"),
    ("replan_latency_p50_ms", "plan latency p50 (ms)", "{:,.0f}"),
    ("replan_latency_max_ms", "plan latency max (ms)", "{:,.0f}"),
)


def format_table(result: dict[str, object]) -> str:
    """The KPI table, one column per policy."""
    policies = result["policies"]
    assert isinstance(policies, dict)
    names = list(policies)
    width = max(len(label) for _, label, _ in _ROWS) + 2
    lines = [f"{'KPI':<{width}}" + "".join(f"{n:>16}" for n in names)]
    lines.append("-" * len(lines[0]))
    for key, label, fmt in _ROWS:
        cells = [fmt.format(policies[n][key]) for n in names]
        lines.append(f"{label:<{width}}" + "".join(f"{c:>16}" for c in cells))
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
