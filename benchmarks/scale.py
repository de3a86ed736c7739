"""10,000 assets offering: replan latency through the coordinator, and what the MILP sees.

Run as `python -m benchmarks.scale [--assets 10000] [--zones 24] [--replans 6] [--json]`.

On the synthetic network of `benchmarks.agents_throughput` (40 % machines,
15 % warehouses, 30 % vehicles, the rest suppliers; customers a tenth of
the assets), with each customer ordering `--demand` units a day of each of
its three products (300 by default: the window's demand is then several
times the stock on hand, so a plan must make, buy and move, not only
deliver), it starts the agents sharded on Ray, feeds them an hour of
sensor traffic, and then:

- **planner**: the agents' snapshot folded (`optimizer.aggregate`) and its
  MILP built and solved cold, as a first plan is (`optimizer.dive.full_solve`):
  the counts before and after folding, the model's columns, rows and
  integer columns, each step's seconds, status and gap against the bound,
  and the driver's memory growth over folding, building and solving;
- **replans**: `--replans` replans through the live loop's own path
  (`Coordinator.replan`: offers from every agent across the shard hosts,
  the snapshot, the planner, commands cut, reviewed and committed), an hour
  of readings ingested between them, under the zoned MILP policy
  (`policies.aggregated`). Each replan's time is split into gather (offers),
  fold, build (planning data and model build or update), solve, route
  (routing engine after the MILP), split (back onto member assets), agents
  (review and commit) and the rest (the snapshot's demand, cutting
  commands, the plan diff), with p50 and p95.

With `--compare N` it also plans one snapshot of an N-asset network (in
process, fresh agents) with the flows MILP twice, unfolded and folded into
the same number of zones, under the same budget: the objectives side by
side say what folding hides (distances inside a zone, setups priced once
per centre, stock pooled across a zone's members), where the unfolded MILP
still solves.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyomo.environ as pyo

from benchmarks.agents_throughput import START, readings_for, rss_mb, synthetic_network
from benchmarks.timed_directory import TimedDirectory
from cluster.bootstrap import shutdown, start_ray
from cluster.hosts import RayDirectory
from optimizer.aggregate import aggregate
from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.dive import full_solve
from optimizer.gcpause import kept_out_of_collections
from optimizer.milp import plan_milp
from optimizer.model import build_model
from optimizer.session import Session
from policies.aggregated import DEFAULT_ZONES, AggregatingPlanner
from policies.builtin import Milp
from policies.policy import Policy
from runtime.coordinator import Coordinator
from runtime.directory import InlineDirectory
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.readings import Reading
from supplysync.scenario import PlanningSettings
from supplysync.settings import RuntimeSettings

BATCH = 1000
PHASES = ("gather", "fold", "build", "solve", "route", "split", "agents", "rest", "total")


@dataclass
class PlannerFigures:
    """What the MILP sees for one snapshot, and what solving it costs."""

    assets: int
    warehouses: int
    machines: int
    suppliers: int
    vehicles: int
    customers: int
    zones: int
    zone_radius_km: float
    centres: int
    machines_kept: int
    pools: int
    lanes: int
    arcs: int
    demand_lines: int
    columns: int
    rows: int
    integers: int
    fold_s: float
    data_s: float
    build_s: float
    solve_s: float
    status: str
    gap: float | None
    objective: float | None
    model_mb: float


def planner_figures(
    snapshot: NetworkSnapshot, zones: int, settings: PlanningSettings
) -> PlannerFigures:
    """Fold `snapshot`, build its flows MILP and solve it cold, counting and timing each step."""
    net = snapshot.network
    before = rss_mb_self()
    t0 = time.perf_counter()
    folded, key = aggregate(snapshot, zones)
    t1 = time.perf_counter()
    flows = settings.model_copy(update={"routed_periods": 0})
    data = planning_data(folded, flows)
    t2 = time.perf_counter()
    with kept_out_of_collections():
        cands = candidates(data)  # none: no period is routed inside the MILP
        model = build_model(data, cands)
        session = Session(model.model)
    t3 = time.perf_counter()
    outcome, _ = full_solve(
        session,
        model,
        cands,
        t3 + settings.time_limit_s,
        settings.mip_gap,
        tuning=settings.solver,
    )
    t4 = time.perf_counter()
    columns, rows = session.size()
    return PlannerFigures(
        assets=len(net.asset_kinds()),
        warehouses=len(net.warehouses),
        machines=len(net.machines),
        suppliers=len(net.suppliers),
        vehicles=len(net.vehicles),
        customers=len(net.customers),
        zones=len(key.zones),
        zone_radius_km=max(z.radius_km for z in key.zones),
        centres=len(key.centres),
        machines_kept=len(data.machines) - len(key.centres),
        pools=len(key.pools),
        lanes=len(data.lanes),
        arcs=len(data.arcs),
        demand_lines=len(data.demand),
        columns=columns,
        rows=rows,
        integers=sum(
            1 for v in model.model.component_data_objects(pyo.Var) if not v.is_continuous()
        ),
        fold_s=t1 - t0,
        data_s=t2 - t1,
        build_s=t3 - t2,
        solve_s=t4 - t3,
        status=outcome.status.value,
        gap=outcome.gap,
        objective=outcome.objective,
        model_mb=rss_mb_self() - before,
    )


def rss_mb_self() -> float:
    return rss_mb(int(Path("/proc/self/stat").read_text().split()[0]))


def _until(readings: Iterator[Reading], cutoff: datetime) -> Iterator[list[Reading]]:
    """Batches of `BATCH` readings from `readings` until one is at `cutoff` or later."""
    head = itertools.takewhile(lambda r: r.ts < cutoff, readings)
    while batch := list(itertools.islice(head, BATCH)):
        yield batch


def busy(network: Network, per_day: float) -> Network:
    """`network` with every customer's lines at `per_day` units a day."""
    customers = [
        c.model_copy(update={"demand_per_day": dict.fromkeys(c.demand_per_day, per_day)})
        for c in network.customers
    ]
    return network.model_copy(update={"customers": customers})


def run(
    assets: int,
    *,
    zones: int,
    replans: int,
    shards: int,
    demand: float,
    settings: PlanningSettings,
) -> dict[str, Any]:
    """Start the agents, measure the planner once and `replans` replans; the figures."""
    network = busy(synthetic_network(assets), demand)
    runtime = RuntimeSettings(shards=shards, placement="sharded", batch_max_readings=BATCH)
    start_ray(runtime)
    began = time.perf_counter()
    directory = RayDirectory.start(network, runtime)
    start_s = time.perf_counter() - began
    try:
        timed = TimedDirectory(directory)
        planner = AggregatingPlanner(Milp().planner, zones)
        coordinator = Coordinator(
            network=network,
            planning=settings,
            directory=timed,
            policy=Policy(name="milp-zoned", make_planner=lambda: planner),
            origin=START,
            run_end=START + timedelta(days=7),
        )
        stream = readings_for(network, 4 * (replans + 1))
        ingested = 0
        for batch in _until(stream, START + timedelta(hours=1)):
            directory.ingest(batch, batch[-1].ts)
            ingested += len(batch)
        hosts_mb = sum(map(rss_mb, directory.pids()))
        figures = planner_figures(coordinator.snapshot(START + timedelta(hours=1)), zones, settings)
        rows: list[dict[str, float]] = []
        commands = 0
        last = None
        for k in range(replans):
            now = START + timedelta(hours=k + 1)
            for batch in _until(stream, now) if k else ():
                directory.ingest(batch, batch[-1].ts)
                ingested += len(batch)
            timed.restart()
            dispatch = coordinator.replan(now, [f"bench-{k}"])
            plan, t = dispatch.plan, planner.times
            row = {
                "gather": timed.gather_s,
                "fold": t.aggregate_s,
                "build": plan.build_seconds,
                "solve": plan.solve_seconds,
                "route": t.route_s,
                "split": t.disaggregate_s,
                "agents": timed.agents_s,
                "total": dispatch.latency_s,
            }
            row["rest"] = row["total"] - sum(v for k2, v in row.items() if k2 != "total")
            rows.append(row)
            commands = len(dispatch.commands)
            last = plan
        assert last is not None, "at least one replan"
        return {
            "assets": assets,
            "shards": shards,
            "start_s": start_s,
            "hosts_mb": hosts_mb,
            "mb_per_asset": hosts_mb / assets,
            "readings_ingested": ingested,
            "planner": asdict(figures),
            "replans": rows,
            "p50": {p: statistics.median(r[p] for r in rows) for p in PHASES},
            "p95": {p: _p95([r[p] for r in rows]) for p in PHASES},
            "commands": commands,
            "rejected": coordinator.stats.rejections,
            "last_plan": {
                "status": last.status.value,
                "production_runs": len(last.production),
                "purchases": len(last.purchases),
                "transfers": len(last.transfers),
                "deliveries": len(last.deliveries),
                "routes": len(last.routes),
                "shortage_units": sum(x.quantity for x in last.shortages),
            },
            "zones": zones,
            "demand_per_day": demand,
            "horizon_periods": settings.horizon_periods,
            "routed_periods": settings.routed_periods,
            "time_limit_s": settings.time_limit_s,
        }
    finally:
        directory.close()
        shutdown()


def compare(
    assets: int, *, zones: int, demand: float, settings: PlanningSettings
) -> dict[str, Any]:
    """One snapshot planned unfolded and folded by the flows MILP: objective, seconds, short."""
    network = busy(synthetic_network(assets), demand)
    flows = settings.model_copy(update={"routed_periods": 0})
    with InlineDirectory.start(network) as directory:
        coordinator = Coordinator(
            network=network,
            planning=settings,
            directory=directory,
            policy=Policy(name="compare", make_planner=lambda: Milp().planner),
            origin=START,
            run_end=START + timedelta(days=7),
        )
        snapshot = coordinator.snapshot(START + timedelta(hours=1))
    out: dict[str, Any] = {"assets": assets, "zones": zones}
    started = time.perf_counter()
    whole = plan_milp(snapshot, flows, plan_id="unfolded")
    out["unfolded"] = _outcome(whole, time.perf_counter() - started)
    started = time.perf_counter()
    folded, _ = aggregate(snapshot, zones)
    zoned = plan_milp(folded, flows, plan_id="folded")
    out["folded"] = _outcome(zoned, time.perf_counter() - started)
    if whole.objective and zoned.objective is not None:
        out["folded_vs_unfolded"] = (zoned.objective - whole.objective) / abs(whole.objective)
    return out


def _outcome(plan: Plan, seconds: float) -> dict[str, Any]:
    return {
        "status": plan.status.value,
        "objective": plan.objective,
        "gap": plan.mip_gap,
        "seconds": seconds,
        "short_units": sum(x.quantity for x in plan.shortages),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def table(result: dict[str, Any]) -> str:
    """The figures as the README prints them."""
    f = result["planner"]
    gap = "-" if f["gap"] is None else f"{100 * f['gap']:.2f} %"
    lines = [
        f"agents: {result['assets']} assets on {result['shards']} shard hosts, started in "
        f"{result['start_s']:.1f} s, {result['hosts_mb']:.0f} MB "
        f"({result['mb_per_asset']:.3f} MB an asset), {result['readings_ingested']:,} readings in",
        "",
        "what the MILP sees          members  -> in the MILP",
        f"  warehouses -> zones       {f['warehouses']:>7}  -> {f['zones']} "
        f"(radius up to {f['zone_radius_km']:.0f} km)",
        f"  machines -> work centres  {f['machines']:>7}  -> {f['centres']} centres "
        f"+ {f['machines_kept']} kept",
        f"  suppliers -> pools        {f['suppliers']:>7}  -> {f['pools']}",
        f"  vehicles                  {f['vehicles']:>7}  -> capacity per zone and period "
        "(cold apart); routed after",
        f"  customers                 {f['customers']:>7}  -> {f['customers']} "
        f"({f['arcs']} zone-customer arcs, {f['demand_lines']} demand lines)",
        f"  transfer lanes                     {f['lanes']}",
        f"  model: {f['columns']:,} columns ({f['integers']:,} integer), {f['rows']:,} rows",
        f"  fold {f['fold_s']:.2f} s, data {f['data_s']:.2f} s, build {f['build_s']:.2f} s, "
        f"solve {f['solve_s']:.2f} s: {f['status']}, gap {gap}, "
        f"driver +{f['model_mb']:.0f} MB",
        "",
        f"replans ({len(result['replans'])}, {result['commands']} commands each, "
        f"{result['rejected']} rejected in review), seconds:",
        "       " + " ".join(f"{p:>7}" for p in PHASES),
    ]
    for name in ("p50", "p95"):
        lines.append(f"{name:<6} " + " ".join(f"{result[name][p]:>7.2f}" for p in PHASES))
    plan = result["last_plan"]
    lines.insert(
        -3,
        f"last plan: {plan['status']}, {plan['production_runs']} runs, {plan['purchases']} "
        f"purchases, {plan['transfers']} transfers, {plan['deliveries']} deliveries on "
        f"{plan['routes']} routes, {plan['shortage_units']:.0f} units short",
    )
    first = result["replans"][0]
    lines.append("first  " + " ".join(f"{first[p]:>7.2f}" for p in PHASES))
    return "\n".join(lines)


def compare_table(c: dict[str, Any]) -> str:
    """The unfolded and folded plans of one snapshot, side by side."""
    lines = [f"one snapshot of {c['assets']} assets, flows MILP, {c['zones']} zones when folded:"]
    for way in ("unfolded", "folded"):
        o = c[way]
        gap = "-" if o["gap"] is None else f"{100 * o['gap']:.2f} %"
        lines.append(
            f"  {way:<9} {o['status']:<10} objective {o['objective'] or 0:>14,.0f} "
            f"gap {gap:>7}  {o['seconds']:>6.2f} s  {o['short_units']:>9,.0f} units short"
        )
    if "folded_vs_unfolded" in c:
        lines.append(f"  folded against unfolded: {100 * c['folded_vs_unfolded']:+.2f} %")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000, help="0: --compare only")
    parser.add_argument("--zones", type=int, default=DEFAULT_ZONES)
    parser.add_argument("--replans", type=int, default=6)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=3, help="planning periods (days)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per solve")
    parser.add_argument("--demand", type=float, default=300.0, help="units/day a line")
    parser.add_argument("--compare", type=int, default=0, help="assets planned both ways")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    settings = PlanningSettings(horizon_periods=args.horizon, time_limit_s=args.time_limit)
    result: dict[str, Any] = {}
    if args.assets:
        result = run(
            args.assets,
            zones=args.zones,
            replans=args.replans,
            shards=args.shards,
            demand=args.demand,
            settings=settings,
        )
    if args.compare:
        result["compare"] = compare(
            args.compare, zones=args.zones, demand=args.demand, settings=settings
        )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        parts = [table(result)] if args.assets else []
        parts += [compare_table(result["compare"])] if args.compare else []
        print("\n\n".join(parts))


if __name__ == "__main__":
    main()
