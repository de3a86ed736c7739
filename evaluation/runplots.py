"""PNG figures of research runs, drawn from their Parquet event logs (`adapters.eventlog`).

`plot_runs` takes a directory holding one run's log, or one folder per
policy (`supplysync demo --events DIR`), and the scenario the runs played,
and draws in `out`:

- ``stock_<warehouse>.png``: per product, the stock its shelves reported
  against the warehouse's reorder point, one line per policy; a last panel
  with all products together against the warehouse's capacity;
- ``production_<policy>.png``: a Gantt chart per machine of the production
  of each day in the plan in force when the day's vehicles leave
  (`PlanningSettings.departure_hour`; one colour per product, a hatched
  setup where the product changes, maintenance in grey): plans give hours
  per period, not clock times, so a day's runs are drawn end to end from
  its start in the plan's order, and a later replan's changes that day
  are not shown;
- ``routes_<policy>_day<N>.png``: the routes that plan sends out that day,
  one colour per vehicle, sites labelled;
- ``kpis.png``: fill rate so far (units delivered and accepted over units
  due) by day, one line per policy.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display, in any process

import matplotlib.pyplot as plt
import pyarrow.parquet as pq
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from adapters.eventlog import safe_name
from supplysync.scenario import Scenario

Rows = list[dict[str, Any]]


def logs_in(root: Path) -> dict[str, Path]:
    """The event logs under `root`, by policy: `root` itself, or each folder with a plans file."""
    if (root / "plans.parquet").exists():
        return {_policy_of(root) or root.name: root}
    found = {}
    for folder in sorted(p for p in root.iterdir() if (p / "plans.parquet").exists()):
        found[_policy_of(folder) or folder.name] = folder
    if not found:
        raise FileNotFoundError(f"{root}: no event log (plans.parquet) here or one level down")
    return found


def figures(root: Path, scenario: Scenario) -> Iterator[tuple[str, Figure]]:
    """(file name, figure) of every figure of the module doc for the logs under `root`."""
    logs = {name: _load(folder) for name, folder in logs_in(root).items()}
    yield from _stock(logs, scenario)
    for name, log in logs.items():
        yield f"production_{safe_name(name)}.png", _production(name, log, scenario)
        yield from _routes(name, log, scenario)
    yield "kpis.png", _kpis(logs, scenario)


def plot_runs(root: Path, scenario: Scenario, out: Path) -> list[Path]:
    """Draw every figure of the module doc as a PNG in `out`; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figures(root, scenario):
        fig.tight_layout()
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        written.append(out / name)
    return written


def _policy_of(folder: Path) -> str | None:
    rows = pq.read_table(folder / "plans.parquet", columns=["run_id"]).to_pylist()
    return str(rows[0]["run_id"]) if rows and rows[0]["run_id"] else None


def _load(folder: Path) -> dict[str, Rows]:
    out: dict[str, Rows] = {}
    for kind in ("readings", "plans", "orders", "deliveries"):
        path = folder / f"{kind}.parquet"
        out[kind] = pq.read_table(path).to_pylist() if path.exists() else []
    out["plans"].sort(key=lambda p: p["created_at"])
    return out


def _stock(logs: Mapping[str, dict[str, Rows]], scenario: Scenario) -> Iterator[tuple[str, Figure]]:
    for wh in scenario.network.warehouses:
        series: dict[tuple[str, str], list[tuple[datetime, float]]] = defaultdict(list)
        for name, log in logs.items():
            for r in log["readings"]:
                if r["kind"] == "stock_level" and r["asset_id"] == wh.id:
                    series[name, str(r["product_id"])].append((r["ts"], float(r["units"])))
        products = sorted({p for _, p in series})
        if not products:
            continue
        fig, axes = plt.subplots(
            len(products) + 1, 1, figsize=(9, 2.2 * (len(products) + 1)), sharex=True
        )
        for ax, product in zip(axes, products, strict=False):
            for name in logs:
                points = sorted(series.get((name, product), []))
                if points:
                    ax.step(*zip(*points, strict=True), where="post", label=name)
            if product in wh.reorder_point:
                ax.axhline(wh.reorder_point[product], color="k", ls="--", lw=0.8, label="reorder")
            ax.set_ylabel(f"{product}\nunits")
        total = axes[-1]
        for name in logs:
            total.step(*_total(series, name, products), where="post", label=name)
        total.axhline(wh.capacity_units, color="r", ls="--", lw=0.8, label="capacity")
        total.set_ylabel("all\nunits")
        axes[0].legend(fontsize=7, loc="upper right")
        axes[0].set_title(f"Stock at {wh.id} ({wh.name})")
        fig.autofmt_xdate()
        yield f"stock_{safe_name(wh.id)}.png", fig


def _total(
    series: Mapping[tuple[str, str], list[tuple[datetime, float]]], name: str, products: list[str]
) -> tuple[list[datetime], list[float]]:
    """All products' last reported units summed at every report time."""
    events = sorted((t, p, u) for p in products for t, u in series.get((name, p), []))
    latest: dict[str, float] = {}
    times, totals = [], []
    for t, p, u in events:
        latest[p] = u
        times.append(t)
        totals.append(sum(latest.values()))
    return times, totals


def _days(logs: Iterable[dict[str, Rows]], scenario: Scenario) -> int:
    """Days the runs lasted: to the last reading (a run may be shorter than its scenario)."""
    start = scenario.simulation.start
    last = max((r["ts"] for log in logs for r in log["readings"]), default=start)
    return max(1, min(scenario.simulation.days, math.ceil((last - start) / timedelta(days=1))))


def _day_plans(log: dict[str, Rows], scenario: Scenario) -> list[tuple[int, dict[str, Any]]]:
    """(day, the plan in force when the day's vehicles leave), day by day."""
    start = scenario.simulation.start
    leave = timedelta(hours=scenario.planning.departure_hour)
    out = []
    for day in range(_days([log], scenario)):
        end = start + timedelta(days=day) + leave
        made = [p for p in log["plans"] if p["created_at"] <= end and p["status"] != "error"]
        covering = [p for p in made if _period(p, start + timedelta(days=day)) is not None]
        if covering:
            out.append((day, covering[-1]))
    return out


def _period(plan: Mapping[str, Any], day_start: datetime) -> int | None:
    window = json.loads(plan["window"])
    begin = datetime.fromisoformat(window["start"])
    hours = float(window["period_hours"])
    period = int(((day_start - begin).total_seconds() / 3600 + 1e-6) // hours)
    return period if 0 <= period < int(window["periods"]) else None


def _production(name: str, log: dict[str, Rows], scenario: Scenario) -> Figure:
    machines = list(scenario.network.machines)
    row = {m.id: i for i, m in enumerate(machines)}
    setup = {m.id: m.setup_hours for m in machines}
    products = sorted({p for m in machines for p in m.rates})
    colour = {p: plt.get_cmap("tab10")(i % 10) for i, p in enumerate(products)}
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(machines) + 1.5))
    start = scenario.simulation.start
    for day, plan in _day_plans(log, scenario):
        period = _period(plan, start + timedelta(days=day))
        clock = {m.id: 24.0 * day for m in machines}
        last: dict[str, str | None] = {m.id: None for m in machines}
        for w in json.loads(plan["maintenance"]):
            if w["period"] == period and w["machine_id"] in row:
                ax.barh(row[w["machine_id"]], w["hours"], left=clock[w["machine_id"]], color="0.6")
                clock[w["machine_id"]] += w["hours"]
        for run in json.loads(plan["production"]):
            m = run["machine_id"]
            if run["period"] != period or m not in row:
                continue
            changed = last[m] != run["product_id"]
            lead = min(setup[m], run["hours"]) if changed else 0.0
            if lead > 0:
                ax.barh(row[m], lead, left=clock[m], color="white", edgecolor="k", hatch="//")
            ax.barh(
                row[m], run["hours"] - lead, left=clock[m] + lead, color=colour[run["product_id"]]
            )
            clock[m] += run["hours"]
            last[m] = run["product_id"]
    ax.set_yticks(range(len(machines)), [m.id for m in machines])
    ax.set_xlabel("hours from the start of the run")
    handles = [Rectangle((0, 0), 1, 1, color=colour[p]) for p in products]
    handles += [
        Rectangle((0, 0), 1, 1, color="white", ec="k", hatch="//"),
        Rectangle((0, 0), 1, 1, color="0.6"),
    ]
    ax.legend(handles, [*products, "setup", "maintenance"], fontsize=7, ncols=4, loc="upper left")
    ax.set_title(f"Production, {name}")
    return fig


def _routes(name: str, log: dict[str, Rows], scenario: Scenario) -> Iterator[tuple[str, Figure]]:
    net = scenario.network
    start = scenario.simulation.start
    vehicles = sorted(v.id for v in net.vehicles)
    colour = {v: plt.get_cmap("tab20")(i % 20) for i, v in enumerate(vehicles)}
    for day, plan in _day_plans(log, scenario):
        period = _period(plan, start + timedelta(days=day))
        routes = [r for r in json.loads(plan["routes"]) if r["period"] == period]
        fig, ax = plt.subplots(figsize=(7, 6))
        for kind, sites, marker in (
            ("warehouse", net.warehouses, "s"),
            ("customer", net.customers, "o"),
        ):
            xs = [s.location.lon for s in sites]
            ys = [s.location.lat for s in sites]
            ax.scatter(xs, ys, marker=marker, s=30 if kind == "customer" else 60, label=kind)
            for s in sites:
                ax.annotate(s.id, (s.location.lon, s.location.lat), fontsize=6)
        for r in routes:
            path_ids = [r["depot_id"], *(s["site_id"] for s in r["stops"]), r["depot_id"]]
            points = [net.location_of(i) for i in path_ids]
            ax.plot(
                [p.lon for p in points],
                [p.lat for p in points],
                color=colour.get(r["vehicle_id"], "k"),
                lw=1.2,
                label=r["vehicle_id"],
            )
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.set_title(f"Routes on day {day}, {name}")
        ax.legend(fontsize=6, loc="best")
        yield f"routes_{safe_name(name)}_day{day}.png", fig


def _kpis(logs: Mapping[str, dict[str, Rows]], scenario: Scenario) -> Figure:
    start = scenario.simulation.start
    fig, ax = plt.subplots(figsize=(8, 4))
    for name, log in logs.items():
        n = _days([log], scenario)
        due: dict[int, float] = defaultdict(float)
        for o in log["orders"]:
            day = (o["due"] - start).days
            if 0 <= day < n:
                due[day] += float(o["quantity"])
        got: dict[int, float] = defaultdict(float)
        for d in log["deliveries"]:
            if d["accepted"]:
                got[(d["ts"] - start).days] += float(d["quantity"])
        total_due = total_got = 0.0
        rates = []
        for day in range(n):
            total_due += due[day]
            total_got += got[day]
            rates.append(100 * min(1.0, total_got / total_due) if total_due else 100.0)
        ax.plot(range(1, n + 1), rates, marker="o", label=name)
    ax.set_xlabel("day")
    ax.set_ylabel("fill rate so far (%)")
    ax.set_title("Units delivered and accepted over units due, by day")
    ax.legend(fontsize=8)
    return fig
