"""Routing engine against best-known solutions: `supplysync bench vrp FILE...`.

Reads CVRPLIB `.vrp` and Solomon `.txt` files with our own readers, routes
them with `optimizer.vrp.solve_routes` (the engine the planner uses for
its depot problems), checks every solution with the independent validator,
and prints cost, best-known cost (the `.sol` beside the file) and gap. For
reference it also runs PyVRP as its users would, through `pyvrp.read` with
the rounding the BKS assume ("round" for CVRPLIB, "dimacs" for Solomon,
which `pyvrp.read` takes once converted to VRPLIB), on the same budget and
seed. PyVRP's reader gives CVRPLIB instances an unlimited fleet, ours the
comment's number of trucks, so on those the two may differ slightly.

`python -m benchmarks.vrp FILE... --time-limit S [--json]` runs it too.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

import numpy as np

from benchmarks.vrp_instances import read_instance
from optimizer.vrp import solve_routes, validate


def run(
    files: Sequence[Path],
    *,
    time_limit_s: float,
    seed: int = 0,
    reference: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Route each file; returns `{"instances": [...], "families": {...}}`."""
    rows = []
    for path in files:
        inst = read_instance(path)
        result = solve_routes(inst, time_limit_s=time_limit_s, seed=seed)
        violations = validate(inst, result.routes, result.vehicle_classes, cost=result.cost)
        row: dict[str, Any] = {
            "instance": inst.name,
            "family": inst.family,
            "clients": inst.num_clients,
            "cost": result.cost,
            "bks": inst.bks,
            "gap_pct": _gap(result.cost, inst.bks),
            "runtime_s": round(result.runtime_s, 2),
            "routes": len(result.routes),
            "feasible": not violations,
            "violations": [f"{v.kind}: {v.detail}" for v in violations],
        }
        if reference:
            row |= _pyvrp(path, time_limit_s, seed, inst.bks)
        rows.append(row)
        if progress:
            progress(f"{inst.name}: cost {result.cost:g}, gap {row['gap_pct']}%")
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        families[row["family"]].append(row)
    summary = {
        name: {
            "instances": len(group),
            "mean_gap_pct": _mean(r["gap_pct"] for r in group),
            "pyvrp_mean_gap_pct": _mean(r.get("pyvrp_gap_pct") for r in group),
            "all_feasible": all(r["feasible"] for r in group),
        }
        for name, group in families.items()
    }
    return {"time_limit_s": time_limit_s, "seed": seed, "instances": rows, "families": summary}


def _pyvrp(path: Path, time_limit_s: float, seed: int, bks: float | None) -> dict[str, Any]:
    """PyVRP on its own reader, same budget and seed."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    with tempfile.TemporaryDirectory() as tmp:
        if path.suffix.lower() == ".txt":
            where, scale, rounding = _solomon_as_vrplib(path, Path(tmp)), 10, "dimacs"
        else:
            where, scale, rounding = path, 1, "round"
        data = pyvrp.read(where, round_func=rounding)
    result = pyvrp.solve(data, MaxRuntime(time_limit_s), seed=seed, collect_stats=False)
    cost = result.cost() / scale
    return {
        "pyvrp_cost": cost,
        "pyvrp_gap_pct": _gap(cost, bks),
        "pyvrp_runtime_s": round(result.runtime, 2),
        "pyvrp_feasible": result.is_feasible(),
    }


def _solomon_as_vrplib(path: Path, tmp: Path) -> Path:
    """Rewrite a Solomon file in VRPLIB, the only format `pyvrp.read` takes."""
    import vrplib  # type: ignore[import-untyped]

    d = vrplib.read_instance(path, instance_format="solomon", compute_edge_weights=False)
    out = tmp / (path.stem + ".vrp")
    vrplib.write_instance(
        out,
        {
            "NAME": d["name"],
            "TYPE": "VRPTW",
            "DIMENSION": len(d["node_coord"]),
            "VEHICLES": d["vehicles"],
            "CAPACITY": d["capacity"],
            "EDGE_WEIGHT_TYPE": "EUC_2D",
            "NODE_COORD_SECTION": d["node_coord"],
            "DEMAND_SECTION": d["demand"],
            "TIME_WINDOW_SECTION": d["time_window"],
            "SERVICE_TIME_SECTION": d["service_time"],
            "DEPOT_SECTION": np.array([1]),
        },
    )
    return out


def _gap(cost: float, bks: float | None) -> float | None:
    return None if not bks else round(100.0 * (cost - bks) / bks, 2)


def _mean(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return round(mean(present), 2) if present else None


def format_table(result: dict[str, Any]) -> str:
    """One line per instance, then one mean-gap line per family."""
    head = (
        f"{'instance':<12}{'clients':>8}{'cost':>10}{'BKS':>10}{'gap %':>8}{'time s':>8}"
        f"{'feasible':>10}{'pyvrp':>10}{'gap %':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in result["instances"]:
        lines.append(
            f"{r['instance']:<12}{r['clients']:>8}{r['cost']:>10g}{_cell(r['bks']):>10}"
            f"{_cell(r['gap_pct'], '.2f'):>8}{r['runtime_s']:>8.2f}"
            f"{'yes' if r['feasible'] else 'NO':>10}"
            f"{_cell(r.get('pyvrp_cost')):>10}{_cell(r.get('pyvrp_gap_pct'), '.2f'):>8}"
        )
    lines.append("-" * len(head))
    for name, f in result["families"].items():
        lines.append(
            f"{name}: {f['instances']} instances, mean gap {_cell(f['mean_gap_pct'], '.2f')}% "
            f"(PyVRP {_cell(f['pyvrp_mean_gap_pct'], '.2f')}%), "
            f"{'all feasible' if f['all_feasible'] else 'INFEASIBLE ROUTES'}, "
            f"{result['time_limit_s']:g} s each"
        )
    return "\n".join(lines)


def _cell(value: float | None, fmt: str = "g") -> str:
    return "-" if value is None else format(value, fmt)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vrp", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--time-limit", type=float, required=True, help="seconds per instance")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    return report(args.files, time_limit_s=args.time_limit, as_json=args.json)


def report(files: Sequence[Path], *, time_limit_s: float, as_json: bool) -> int:
    """Run and print (table or JSON); progress to stderr. Used by the CLI too."""
    result = run(
        files, time_limit_s=time_limit_s, progress=lambda s: print(s, file=sys.stderr, flush=True)
    )
    print(json.dumps(result, indent=2) if as_json else format_table(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
