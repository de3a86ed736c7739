"""`demo` (a scenario under several policies, the KPI table) and `plot` (figures of its runs)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from console.options import Commands, param_argument, refuse, with_params
from supplysync.policy import split_specs
from supplysync.scenario import Scenario, ScenarioError, load_scenario

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "demo.toml"
POLICY_ORDER = ("static", "reorder_point", "milp")


def add_demo(sub: Commands) -> None:
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
        help=f"comma-separated policies (default {','.join(POLICY_ORDER)}): built-in names, "
        "package.module:Class or an installed entry point, each optionally NAME[key=value,...]",
    )
    param_argument(demo)
    demo.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="record every run in an event store: sqlite:///path or postgresql://...",
    )
    demo.add_argument(
        "--events",
        type=Path,
        default=None,
        metavar="DIR",
        help="write each policy's event log as Parquet (readings, alerts, orders, "
        "deliveries, plans, commands) to DIR/<policy>/",
    )
    demo.set_defaults(func=_demo)


def add_plot(sub: Commands) -> None:
    plot = sub.add_parser("plot", help="PNG figures of research runs from their Parquet event logs")
    plot.add_argument("events", type=Path, help="`demo --events` directory, or one policy's")
    plot.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="the runs' scenario")
    plot.add_argument("--out", type=Path, default=None, help="where the PNGs go (EVENTS/plots)")
    plot.set_defaults(func=_plot)


def _demo(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.days is not None:
        scenario = _shorten(scenario, args.days)
    from policies.plugins import PolicyError, load_policy

    try:
        policies, _ = with_params(split_specs(args.policies), args)
        for name in policies:
            load_policy(name)
    except PolicyError as exc:
        return refuse(exc)

    from adapters.store import StoreError
    from cluster.demo import run_demo

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = run_demo(
            scenario,
            policies,
            placement=args.placement,
            progress=progress,
            db_url=args.db,
            events=args.events,
        )
    except StoreError as exc:
        return refuse(exc)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result))
    return 0


def _plot(args: argparse.Namespace) -> int:
    from evaluation.runplots import plot_runs

    scenario = load_scenario(args.scenario)
    try:
        written = plot_runs(args.events, scenario, args.out or args.events / "plots")
    except FileNotFoundError as exc:
        return refuse(exc)
    for path in written:
        print(path)
    return 0


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
    ("total_cost", "total cost", "{:,.0f}"),
    ("purchase_cost", "  purchases", "{:,.0f}"),
    ("production_cost", "  production", "{:,.0f}"),
    ("setup_cost", "  setups", "{:,.0f}"),
    ("maintenance_cost", "  maintenance", "{:,.0f}"),
    ("holding_cost", "  holding", "{:,.0f}"),
    ("transport_cost", "  transport", "{:,.0f}"),
    ("shortage_cost", "  shortages", "{:,.0f}"),
    ("lateness_cost", "  lateness", "{:,.0f}"),
    ("spoilage_cost", "  spoilage", "{:,.0f}"),
    ("refused_cost", "  refused receipts", "{:,.0f}"),
    ("downtime_cost", "  downtime", "{:,.0f}"),
    ("inventory_change", "  stock start - end", "{:,.0f}"),
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
    cols = [max(16, len(n) + 2) for n in names]
    lines = [f"{'KPI':<{width}}" + "".join(f"{n:>{w}}" for n, w in zip(names, cols, strict=True))]
    lines.append("-" * len(lines[0]))
    for key, label, fmt in _ROWS:
        cells = [fmt.format(policies[n][key]) for n in names]
        lines.append(
            f"{label:<{width}}" + "".join(f"{c:>{w}}" for c, w in zip(cells, cols, strict=True))
        )
    return "\n".join(lines)
