"""Replan speed: cold build and solve, warm re-solve after one event, and direct highspy.

Run as `supplysync bench replan --size S|M|L [--events N] [--json]`. For a
generated network
(`benchmarks.networks`, seed 0, 7 daily periods) it measures:

- routes: generating the candidate routes of the routed periods (the
  routing engine per depot and day), which both builds below share;
- cold: `planning_data` + Pyomo build + loading into HiGHS (build), and the
  full solve a first plan gets (`optimizer.dive.full_solve`: the LP
  relaxation rounded up and re-priced, the MIP only when that is not within
  the gap), as a first plan pays them;
- warm: `WarmPlanner.plan` after each of N events (machine derate, demand
  +30 % at one customer, supplier delay, in turn), each applied to the base
  snapshot with the base plan in force: parameter update, repair
  (`optimizer.repair`), reading and routing, p50 and p95;
- full: the same replans re-solved in full (`PlanningSettings.repair` off)
  by a second planner, under the same budget, p50 and p95. "vs full" is the
  median of (repair - full) / full objective over the events (negative: the
  repair is better), counting only full re-solves that were not stale; "rep
  gap" is the largest (repair - full's bound) / repair, an upper bound on
  how far a repaired plan is from the optimum (as weak as full's bound);
- direct: the same model (same candidate routes) built straight into
  highspy with numpy (`benchmarks.direct`) and solved the same way
  (`benchmarks.direct.full_solve_highs`), for the Pyomo/highspy ratios:
  build, solve, and cold (build and solve together).

Every solve runs under the same time limit and gap; status and gap are
printed so that a time-limited solve is never mistaken for a fast one.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from benchmarks.direct import build_highs, full_solve_highs, new_highs
from benchmarks.networks import EVENT_KINDS, SIZES, apply_event, generate_network, snapshot_for
from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.dive import full_solve
from optimizer.gcpause import collect_frozen, kept_out_of_collections
from optimizer.model import build_model
from optimizer.session import Session, SolveParams
from optimizer.warm import WarmPlanner
from supplysync.plan import PlanStatus
from supplysync.scenario import PlanningSettings

BASE_BUDGET_X = 6
"""The plan in force gets this many times the budget (it is not measured, and a
stale one would leave every warm replan with nothing to keep)."""


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(
    size: str, *, events: int = 20, time_limit_s: float = 10.0, mip_gap: float = 0.01
) -> dict[str, Any]:
    """Measure one size; returns the figures the table prints."""
    spec = SIZES[size]
    settings = PlanningSettings(
        horizon_periods=spec.days, time_limit_s=time_limit_s, mip_gap=mip_gap
    )
    snap = snapshot_for(generate_network(spec), spec.days)

    start = time.perf_counter()
    data = planning_data(snap, settings)
    routes = candidates(data)
    cands_s = time.perf_counter() - start
    start = time.perf_counter()
    with kept_out_of_collections():  # as the planner builds (`WarmPlanner`)
        model = build_model(data, routes)
        session = Session(model.model)
    cold_build = time.perf_counter() - start
    start = time.perf_counter()
    cold, _ = full_solve(
        session, model, routes, start + time_limit_s, mip_gap, tuning=settings.solver
    )
    cold_s = time.perf_counter() - start
    cols, rows = session.size()

    start = time.perf_counter()
    h = new_highs(SolveParams.threads)
    columns = build_highs(data, h, routes)
    direct_build = time.perf_counter() - start
    start = time.perf_counter()
    _, direct_gap, direct_status = full_solve_highs(
        h, columns, routes, time_limit_s, mip_gap, tuning=settings.solver
    )
    direct_solve = time.perf_counter() - start
    del model, session
    collect_frozen()  # the cold model, frozen as the planner freezes its own

    settled = settings.model_copy(update={"time_limit_s": BASE_BUDGET_X * time_limit_s})
    warm = WarmPlanner(route_candidates=lambda _: routes)
    full = WarmPlanner(route_candidates=lambda _: routes)
    base = warm.plan(snap, settled, plan_id="base")
    full.plan(snap, settled, plan_id="full-base")  # built, so its replans are updates
    whole = settings.model_copy(update={"repair": False})
    rng = random.Random(0)
    total: list[float] = []
    full_total: list[float] = []
    versus: list[float] = []
    gaps: list[float] = []
    statuses: dict[str, int] = {}
    for k in range(events):
        event, _ = apply_event(snap, EVENT_KINDS[k % len(EVENT_KINDS)], rng)
        t0 = time.perf_counter()
        plan = warm.plan(event, settings, plan_id=f"e{k}", previous=base)
        total.append(time.perf_counter() - t0)
        statuses[plan.status.value] = statuses.get(plan.status.value, 0) + 1
        t0 = time.perf_counter()
        ref = full.plan(event, whole, plan_id=f"f{k}", previous=base)
        full_total.append(time.perf_counter() - t0)
        if plan.objective is None or ref.objective is None or ref.status is PlanStatus.STALE:
            continue
        versus.append((plan.objective - ref.objective) / abs(ref.objective))
        if ref.mip_gap is not None:
            bound = ref.objective - ref.mip_gap * abs(ref.objective)
            gaps.append((plan.objective - bound) / abs(plan.objective))
    return {
        "size": size,
        "columns": cols,
        "rows": rows,
        "candidates_s": cands_s,
        "cold_build_s": cold_build,
        "cold_solve_s": cold_s,
        "cold_status": cold.status.value,
        "cold_gap": cold.gap,
        "direct_build_s": direct_build,
        "direct_solve_s": direct_solve,
        "direct_status": direct_status,
        "direct_gap": direct_gap,
        "build_ratio": cold_build / direct_build,
        "solve_ratio": cold_s / direct_solve,
        "cold_ratio": (cold_build + cold_s) / (direct_build + direct_solve),
        "warm_p50_s": statistics.median(total),
        "warm_p95_s": _p(total, 0.95),
        "warm_statuses": statuses,
        "full_p50_s": statistics.median(full_total),
        "full_p95_s": _p(full_total, 0.95),
        "repair_vs_full": statistics.median(versus) if versus else None,
        "repair_gap": max(gaps) if gaps else None,
        "warm_rebuilds": warm.rebuilds - 1,
        "events": events,
        "time_limit_s": time_limit_s,
        "mip_gap": mip_gap,
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'size':>4} {'cols':>7} {'rows':>7} {'routes':>6} {'cold build':>10} {'cold solve':>10} "
        f"{'gap':>6} {'hs build':>8} {'hs solve':>8} {'build x':>7} {'solve x':>7} {'cold x':>6} "
        f"{'warm p50':>8} {'warm p95':>8} {'full p50':>8} {'full p95':>8} {'vs full':>7} "
        f"{'rep gap':>7}"
        "  warm status"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        gap = "-" if r["cold_gap"] is None else f"{100 * r['cold_gap']:.1f}%"
        status = ",".join(f"{k}:{v}" for k, v in sorted(r["warm_statuses"].items()))
        rep = "-" if r["repair_gap"] is None else f"{100 * r['repair_gap']:.1f}%"
        vs = "-" if r["repair_vs_full"] is None else f"{100 * r['repair_vs_full']:+.1f}%"
        lines.append(
            f"{r['size']:>4} {r['columns']:>7} {r['rows']:>7} {r['candidates_s']:>6.2f} "
            f"{r['cold_build_s']:>10.2f} "
            f"{r['cold_solve_s']:>10.2f} {gap:>6} {r['direct_build_s']:>8.2f} "
            f"{r['direct_solve_s']:>8.2f} {r['build_ratio']:>7.1f} {r['solve_ratio']:>7.2f} "
            f"{r['cold_ratio']:>6.2f} "
            f"{r['warm_p50_s']:>8.2f} {r['warm_p95_s']:>8.2f} {r['full_p50_s']:>8.2f} "
            f"{r['full_p95_s']:>8.2f} {vs:>7} {rep:>7}  {status}"
        )
    return "\n".join(lines)


def report(
    sizes: list[str], *, events: int, time_limit_s: float, mip_gap: float, as_json: bool
) -> int:
    """Run the benchmark for each size and print the table (or JSON); the CLI's handler."""
    results = [run(s, events=events, time_limit_s=time_limit_s, mip_gap=mip_gap) for s in sizes]
    print(json.dumps({"replan": results}, indent=2) if as_json else table(results))
    return 0
