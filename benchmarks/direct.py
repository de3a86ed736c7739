"""The planning MILP built straight into highspy, for the benchmark's reference.

The same columns, rows and costs as `optimizer.model.build_model` for a
first plan (no plan in force, so no stability rows and weights at 0; the
Pyomo model's few empty penalty columns for later stability rows aside), built from the same
`PlanningData` into numpy arrays and passed to HiGHS in bulk
(`addVars`/`addRows`). It exists to measure what the Pyomo path costs over
the fastest build we know; plans come from the Pyomo model, which maps
back to decisions by name. It is the one module outside the solver session
(`optimizer.session`) that imports highspy: talking to HiGHS directly is
what it measures.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import highspy
import numpy as np

from optimizer.columns import RouteCandidates
from optimizer.data import PlanningData
from optimizer.dive import fractional_routes
from optimizer.gcpause import paused_gc
from optimizer.production import remaining_need, run_index, useful
from optimizer.replenishment import given
from optimizer.rounding import round_up
from optimizer.route_model import route_loads, wanted
from optimizer.tail import end_need, tail_given
from supplysync.scenario import SolverSettings

INF = highspy.kHighsInf


class _Lp:
    """Columns by key, and rows as (columns, coefficients, lower, upper)."""

    def __init__(self) -> None:
        self.col: dict[Hashable, int] = {}
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.binary: list[int] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []

    def var(
        self, key: Hashable, cost: float = 0.0, ub: float = INF, *, binary: bool = False
    ) -> int:
        self.col[key] = j = len(self.lb)
        self.lb.append(0.0)
        self.ub.append(1.0 if binary else ub)
        self.cost.append(cost)
        if binary:
            self.binary.append(j)
        return j

    def row(self, terms: Iterable[tuple[int, float]], lo: float, hi: float) -> None:
        cols, coefs = zip(*terms, strict=True) if terms else ((), ())
        self.rows.append((list(cols), list(coefs), lo, hi))

    def into(self, h: highspy.Highs) -> None:
        n = len(self.lb)
        h.addVars(n, np.array(self.lb), np.array(self.ub))
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(self.cost))
        if self.binary:
            ints = np.array(self.binary, dtype=np.int32)
            h.changeColsIntegrality(len(ints), ints, np.ones(len(ints), dtype=np.uint8))
        sizes = np.array([len(r[0]) for r in self.rows], dtype=np.int32)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int32)
        index = np.fromiter((c for r in self.rows for c in r[0]), dtype=np.int32)
        value = np.fromiter((a for r in self.rows for a in r[1]), dtype=np.float64)
        lower = np.array([r[2] for r in self.rows])
        upper = np.array([r[3] for r in self.rows])
        h.addRows(len(self.rows), lower, upper, len(index), starts, index, value)


def new_highs(threads: int) -> highspy.Highs:
    """An empty, quiet HiGHS instance running on `threads` threads."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no stubs
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


def build_highs(
    data: PlanningData, h: highspy.Highs, cands: RouteCandidates
) -> dict[Hashable, int]:
    """Load the planning model of `data`, with candidate routes `cands`, into an empty `h`.

    Returns each column's index by its key (``("setup", m, p, t)``,
    ``("use", j)``, ``("carry", j, c, p)``, ...). Built with the garbage
    collector paused, as the Pyomo build is (`optimizer.gcpause`).
    """
    with paused_gc():
        return _build(data, h, cands)


def _build(data: PlanningData, h: highspy.Highs, cands: RouteCandidates) -> dict[Hashable, int]:
    lp, c = _Lp(), data.costs
    ws, ps = data.warehouses, data.products
    machines = {m.machine_id: m for m in data.machines}
    slot: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    out: dict[Any, list[int]] = defaultdict(list)
    need = remaining_need(data)
    for m, p, t in run_index(data):
        mach = machines[m]
        s = mach.setup(p, t)
        mk = lp.var(("make", m, p, t), c.production_per_hour / mach.rates[p])
        su = lp.var(("setup", m, p, t), c.setup if s > 0 else 0.0, binary=True)
        slot[m, t] += [(mk, 1 / mach.rates[p]), (su, s)]
        lp.row([(mk, 1.0), (su, -useful(mach, p, t, need))], -INF, 0.0)
        out[mach.warehouse_id, p, t].append(mk)
    for mach in data.machines:
        once = []
        for t in mach.maintenance_periods:
            j = lp.var(("maint", mach.machine_id, t), c.maintenance_delay * t, binary=True)
            slot[mach.machine_id, t].append((j, mach.maintenance_hours))
            once.append((j, 1.0))
        if once:
            lp.row(once, 1.0, 1.0)
    for (m, t), terms in sorted(slot.items()):
        lp.row(terms, -INF, machines[m].capacity[t])
    inflow: dict[Any, list[tuple[int, float]]] = defaultdict(list)
    per_quote: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for i, quote in enumerate(data.purchases):
        for w in ws:
            for t in data.periods:
                if data.receives(w, quote.product_id):
                    j = lp.var(("buy", i, w, t), quote.unit_price)
                    inflow[w, quote.product_id, t + quote.lead].append((j, -1.0))
                    per_quote[i, t].append((j, 1.0))
    for (i, t), terms in per_quote.items():
        lp.row(terms, -INF, data.purchases[i].limit(t))
    lag = data.transfer_periods
    for o in ws:
        for d in ws:
            for p in ps:
                for t in data.periods:
                    if (o, d) in data.lanes and data.receives(d, p):
                        unit = c.transfer_base + c.transfer_per_km * data.km[o, d]
                        j = lp.var(("move", o, d, p, t), unit)
                        inflow[d, p, t + lag].append((j, -1.0))
                        inflow[o, p, t].append((j, 1.0))
    _deliveries(lp, data, inflow)
    _routes(lp, data, cands)
    for w in ws:
        for t in data.periods:
            over = lp.var(("over", w, t), c.overflow_per_unit)
            stock = [lp.var(("stock", w, p, t), data.holding[p]) for p in ps]
            lp.row([*((j, 1.0) for j in stock), (over, -1.0)], -INF, data.capacity_units[w])
    for w in ws:
        for p in ps:
            for t in data.periods:
                terms = [(lp.col["stock", w, p, t], 1.0), *inflow[w, p, t]]
                terms += [(j, -1.0) for j in out.get((w, p, t), ())]
                if t > 0:
                    terms.append((lp.col["stock", w, p, t - 1], -1.0))
                rhs = given(data, w, p, t)
                lp.row(terms, rhs, rhs)
                leaving = [(j, 1.0) for j, a in inflow[w, p, t] if a > 0]
                if leaving:
                    before = [(lp.col["stock", w, p, t - 1], -1.0)] if t > 0 else []
                    lp.row([*leaving, *before], -INF, data.stock[w, p] if t == 0 else 0.0)
    _targets(lp, data, inflow)
    lp.into(h)
    return lp.col


def _targets(lp: _Lp, data: PlanningData, inflow: dict[Any, list[tuple[int, float]]]) -> None:
    """Safety stock through the window and its tail, as in `optimizer.replenishment` and `.tail`."""
    n = len(data.periods)
    for (w, p), target in sorted(data.targets.items()):
        prices = data.target_prices(p)
        for t in data.periods:
            under = lp.var(("under", w, p, t), prices.under)
            lp.row([(lp.col["stock", w, p, t], 1.0), (under, 1.0)], target.safety, INF)
        before = lp.col["stock", w, p, n - 1]
        for k in range(target.lead):
            stock = lp.var(("tail_stock", w, p, k), data.holding[p])
            serve = lp.var(("tail_serve", w, p, k))
            short = lp.var(("tail_short", w, p, k), prices.tail_short)
            under = lp.var(("tail_under", w, p, k), prices.under)
            lp.row([(serve, 1.0), (short, 1.0)], target.mean, target.mean)
            landing = [(j, -1.0) for j, a in inflow[w, p, n + k] if a < 0]
            rhs = tail_given(data, (w, p, k))
            lp.row([(stock, 1.0), (before, -1.0), *landing, (serve, 1.0)], rhs, rhs)
            lp.row([(serve, 1.0), (before, -1.0)], -INF, 0.0)
            lp.row([(stock, 1.0), (under, 1.0)], target.safety, INF)
            before = stock
        late = [
            (j, 1.0)
            for (lw, lp_, a), terms in list(inflow.items())
            if (lw, lp_) == (w, p) and a >= n + target.lead
            for j, coef in terms
            if coef < 0
        ]
        end = lp.var(("end_safety", w, p), prices.end_safety)
        lp.row([(before, 1.0), *late, (end, 1.0)], end_need(data, (w, p)), INF)


def _deliveries(lp: _Lp, data: PlanningData, inflow: dict[Any, list[tuple[int, float]]]) -> None:
    arcs = frozenset(data.arcs)
    fleet: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    cold: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for (cu, p, t), lines in data.demand_keys.items():
        terms = []
        for w in data.warehouses:
            if (w, cu) in (data.cold_arcs if p in data.cold else arcs):
                routed = t < data.routed_periods
                unit = 0.0 if routed else data.costs.delivery_per_km * data.km[w, cu]
                j = lp.var(("ship", w, cu, p, t), unit)
                terms.append((j, 1.0))
                inflow[w, p, t].append((j, 1.0))
                if routed:
                    continue
                fleet[w, t].append((j, 1.0))
                if p in data.cold:
                    cold[w, t].append((j, 1.0))
        for i in lines:
            line = data.demand[i]
            terms.append((lp.var(("short", i), data.line_penalty(line), line.quantity), 1.0))
        wanted = sum(data.demand[i].quantity for i in lines)
        lp.row(terms, wanted, wanted)
    for (w, t), terms in fleet.items():
        lp.row(terms, -INF, data.fleet_capacity.get((w, t), 0.0))
    for (w, t), terms in cold.items():
        lp.row(terms, -INF, data.cold_capacity.get((w, t), 0.0))


def _routes(lp: _Lp, data: PlanningData, cands: RouteCandidates) -> None:
    """Route selection and loading, as in `optimizer.route_model`."""
    on_route: dict[int, list[tuple[int, float]]] = defaultdict(list)
    dropped: dict[tuple[str, str, str, int], list[tuple[int, float]]] = defaultdict(list)
    uses = [lp.var(("use", j), col.cost, binary=True) for j, col in enumerate(cands.columns)]
    for j, cu, p in route_loads(data, cands):
        col = cands.columns[j]
        k = lp.var(("carry", j, cu, p))
        lp.row([(k, 1.0), (uses[j], -wanted(data, cu, p, col.period))], -INF, 0.0)
        on_route[j].append((k, 1.0))
        dropped[col.depot_id, cu, p, col.period].append((k, -1.0))
    by_crew: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for j, col in enumerate(cands.columns):
        room = cands.crews[col.crew].room
        lp.row([*on_route[j], (uses[j], -room)], -INF, 0.0)
        by_crew[col.crew].append((uses[j], 1.0))
        if j in cands.fixed:
            lp.row([(uses[j], 1.0)], 1.0, 1.0)
    for k, terms in by_crew.items():
        lp.row(terms, -INF, float(len(cands.crews[k].vehicle_ids)))
    for key, j in list(lp.col.items()):
        parts: tuple[Any, ...] = key  # type: ignore[assignment]
        if parts[0] == "ship" and parts[4] < data.routed_periods:
            lp.row([(j, 1.0), *dropped.get(parts[1:], [])], 0.0, 0.0)


def full_solve_highs(
    h: highspy.Highs,
    cols: Mapping[Hashable, int],
    cands: RouteCandidates,
    time_limit_s: float,
    mip_gap: float,
    *,
    tuning: SolverSettings | None = None,
) -> tuple[float | None, float | None, str]:
    """The planner's full solve (`optimizer.dive.full_solve`) on a direct build.

    The same steps on the bare instance: the LP relaxation, its fractional
    routes settled (`optimizer.dive.fractional_routes`), rounded up
    (`optimizer.rounding.round_up`) and re-priced, idle setups and routes
    switched off and re-priced, and the MIP from that plan only when it is
    not within `mip_gap` of the relaxation, with `tuning`'s shares of the
    time and route rounds (None: the defaults). Returns the objective, the
    gap and how it ended ("dive" or HiGHS's model status).
    """
    tuning = tuning or SolverSettings()
    deadline = time.perf_counter() + time_limit_s
    ints = np.array(sorted(j for k, j in cols.items() if k[0] in _BINARY), dtype=np.int32)  # type: ignore[index]
    n = len(ints)
    h.changeColsIntegrality(n, ints, np.zeros(n, dtype=np.uint8))
    bound = _lp(h, deadline, time_limit_s * tuning.dive_share)
    if bound is None:
        return _mip(h, ints, None, deadline, mip_gap, share=tuning.highs_share)
    x = _settle_routes(h, cols, cands, deadline, tuning.route_rounds)
    by_kind: dict[str, dict[Any, float]] = {kind: {} for kind in _BINARY}
    for key, j in cols.items():
        parts: tuple[Any, ...] = key  # type: ignore[assignment]
        if parts[0] in _BINARY:
            index = parts[1] if parts[0] == "use" else parts[1:]
            by_kind[parts[0]][index] = x[j]
    vehicles = {k: float(len(crew.vehicle_ids)) for k, crew in enumerate(cands.crews)}
    chosen = round_up(by_kind["setup"], by_kind["maint"], by_kind["use"], vehicles, cands)
    on = {_col(cols, kind, k): float(v) for (kind, k), v in chosen.items()}
    _fix(h, on)
    best = _lp(h, deadline, deadline - time.perf_counter())
    if best is None:
        return _mip(h, ints, None, deadline, mip_gap, share=tuning.highs_share)
    x = h.getSolution().col_value
    loaded = {key[1] for key, j in cols.items() if key[0] == "carry" and x[j] > 1e-6}  # type: ignore[index]
    off = {
        j: 0.0
        for key, j in cols.items()
        if on.get(j) == 1.0
        and (
            (key[0] == "setup" and x[cols[("make", *key[1:])]] <= 1e-6)  # type: ignore[index]
            or (key[0] == "use" and key[1] not in loaded and key[1] not in cands.fixed)  # type: ignore[index]
        )
    }
    solution = h.getSolution()
    if off:
        _fix(h, off)
        trimmed = _lp(h, deadline, deadline - time.perf_counter())
        if trimmed is not None and trimmed < best:
            best, solution = trimmed, h.getSolution()
    gap = max(best - bound, 0.0) / max(abs(best), 1e-9)
    if gap <= mip_gap:
        return best, gap, "dive"
    return _mip(h, ints, solution, deadline, mip_gap, share=tuning.highs_share)


_BINARY = ("setup", "maint", "use")


def _settle_routes(
    h: highspy.Highs,
    cols: Mapping[Hashable, int],
    cands: RouteCandidates,
    deadline: float,
    rounds: int,
) -> Any:
    """`optimizer.dive.settle_routes` on the bare instance; the last optimal LP's values."""
    left = {k: float(len(crew.vehicle_ids)) for k, crew in enumerate(cands.crews)}
    fixed: set[int] = set()
    x = h.getSolution().col_value
    for _ in range(rounds):
        use = {j: x[cols[("use", j)]] for j in range(len(cands.columns)) if j not in fixed}
        picks = fractional_routes(use, cands, left)
        if not picks:
            break
        for j in picks:
            fixed.add(j)
            left[cands.columns[j].crew] -= 1
        _fix(h, {cols[("use", j)]: 1.0 for j in picks})
        if _lp(h, deadline, deadline - time.perf_counter()) is None:
            break
        x = h.getSolution().col_value
    return x


def _col(cols: Mapping[Hashable, int], kind: str, index: Any) -> int:
    return cols[(kind, index)] if kind == "use" else cols[(kind, *index)]


def _fix(h: highspy.Highs, values: Mapping[int, float]) -> None:
    idx = np.array(list(values), dtype=np.int32)
    v = np.array(list(values.values()), dtype=np.double)
    h.changeColsBounds(len(idx), idx, v, v)


def _lp(h: highspy.Highs, deadline: float, seconds: float) -> float | None:
    """Run the LP (time limit counted from the instance's total run time); its objective."""
    h.setOptionValue(
        "time_limit", h.getRunTime() + max(min(seconds, deadline - time.perf_counter()), 0.01)
    )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def _mip(
    h: highspy.Highs, ints: Any, start: Any, deadline: float, mip_gap: float, *, share: float
) -> tuple[float | None, float | None, str]:
    """The MIP, binaries integral again on [0, 1], from `start` when there is one, with
    `share` of the time left as HiGHS's limit."""
    n = len(ints)
    h.changeColsBounds(n, ints, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, ints, np.ones(n, dtype=np.uint8))
    if start is not None:
        h.setSolution(start)
    left = max((deadline - time.perf_counter()) * share, 0.01)
    h.setOptionValue("time_limit", left)
    h.setOptionValue("mip_rel_gap", mip_gap)
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return None, None, h.modelStatusToString(h.getModelStatus())
    return info.objective_function_value, info.mip_gap, h.modelStatusToString(h.getModelStatus())
