"""Candidate routes priced by the relaxation: the engine reroutes what the LP ships.

The first candidates (`optimizer.columns.candidates`) route each depot's day
as if it served the whole demand of every customer it can reach. When the
fleet is short, the routes for the mix the plan actually sends are often
not among them: a reefer that should take a far customer's dry goods and
the cold goods of the customers on its way has only an out-and-back to the
far customer, or a tour of cold customers without it. The MILP then
chooses between the routes it has. Holdout `tight-11`, seed 0, day 4: two
idle reefers, 830 cultures on hand against 544 ordered for the day; from
the first candidates alone the plan delivers none and sends both reefers
out and back to south-western customers with pumps and sensors (their
depot's one truck is full).

Each round solves the LP relaxation over the routes so far and asks the
engine again for each depot's day, this time with the visits the
relaxation implies: what it ships from that depot to each customer, plus
the demand it leaves short at the customers that depot is the home of
(`optimizer.columns.homes`), where the depot has that product at all. The
new routes join the pool. This is column generation with the routing
engine as the pricing heuristic, fed with the relaxation's flows rather
than its duals (a route's worth depends on the loads it may take, which
duals of single units do not price). Rounds stop when no route is new or
the relaxation gains less than `SolverSettings.pricing_min_gain`; the
relaxation of a pool that grew is never worse, so every round can only
help the plan. Each relaxation may take `SolverSettings.pricing_lp_seconds`.

A planner rebuilds its model at most replans (new orders change the set of
demand lines: 27 rebuilds in 29 plans on `tight-11`), each round costs a
model build and an LP, and within one window the crews and customers stay
the same. So `RoutePricer` prices at the first rebuild of each window and
gives later rebuilds of that window the routes it found then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable

import pyomo.environ as pyo

from optimizer.columns import RouteCandidates, candidates, homes, with_routes, with_visits
from optimizer.data import PlanningData
from optimizer.model import build_model
from optimizer.session import Session, SolveParams
from optimizer.vrp.depot import Visit
from supplysync.planning import PlanningWindow

Part = tuple[str, int, str, bool]
"""(depot, period, customer, cold)."""


class RoutePricer:
    """Priced candidates at a window's first rebuild; its later rebuilds get the same routes.

    In the order pricing found them: column order decides which of two
    equal-cost plans the solver returns, so it must not follow string hashes,
    which change with every process.

    One per planner (`optimizer.warm.WarmPlanner`), as its model is.
    """

    def __init__(self) -> None:
        self._window: PlanningWindow | None = None
        self._found: tuple[tuple[Hashable, tuple[str, ...]], ...] = ()

    def __call__(self, data: PlanningData) -> RouteCandidates:
        first = candidates(data)
        if data.window == self._window:
            return with_routes(data, first, self._found)
        priced = priced_candidates(data, first)
        self._window = data.window
        known = set(_routes(first))
        self._found = tuple(r for r in _routes(priced) if r not in known)
        return priced


def _routes(cands: RouteCandidates) -> list[tuple[Hashable, tuple[str, ...]]]:
    """Each free column as its crew's key and its stops."""
    return [
        (cands.crews[c.crew].key, c.stops)
        for j, c in enumerate(cands.columns)
        if j not in cands.fixed
    ]


def priced_candidates(data: PlanningData, first: RouteCandidates | None = None) -> RouteCandidates:
    """`first` (default `candidates(data)`) and up to `data.pricing_rounds` rounds of new routes."""
    cands = first if first is not None else candidates(data)
    last: float | None = None
    for _ in range(data.pricing_rounds if cands.columns else 0):
        relaxed = _relaxation(data, cands)
        if relaxed is None:
            break
        objective, units, worth = relaxed
        if last is not None and last - objective < data.solver.pricing_min_gain * abs(last):
            break
        last = objective
        grown = with_visits(data, cands, _visits(data, units, worth))
        if len(grown.columns) == len(cands.columns):
            break
        cands = grown
    return cands


def _relaxation(
    data: PlanningData, cands: RouteCandidates
) -> tuple[float, dict[Part, float], dict[Part, float]] | None:
    """The LP relaxation's objective and the units and shortage value of each part it implies."""
    model = build_model(data, cands)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model.model)
    limits = SolveParams(time_limit_s=data.solver.pricing_lp_seconds, mip_gap=0.0)
    outcome = Session(model.model).mip(limits)
    if not outcome.has_solution or outcome.objective is None:
        return None
    units: dict[Part, float] = defaultdict(float)
    worth: dict[Part, float] = defaultdict(float)
    for (w, c, p, t), var in model.ship.items():
        q = var.value or 0.0
        if t < data.routed_periods and q > 1e-6:
            part = (w, t, c, p in data.cold)
            units[part] += q
            worth[part] += q * data.penalty[p]
    home = homes(data, cands.crews)
    for i, line in enumerate(data.demand):
        short = model.short[i].value or 0.0
        if line.period >= data.routed_periods or short <= 1e-6:
            continue
        cold = line.product_id in data.cold
        w = home.get((line.customer_id, cold, line.period))
        if w is not None and _has(data, w, line.product_id, line.period):
            part = (w, line.period, line.customer_id, cold)
            units[part] += short
            worth[part] += short * data.line_penalty(line)
    return outcome.objective, units, worth


def _has(data: PlanningData, w: str, p: str, t: int) -> bool:
    """Whether `w` holds or receives any of `p` by period `t`."""
    if data.stock.get((w, p), 0.0) > 1e-6:
        return True
    return any(data.arrivals.get((w, p, s), 0.0) > 1e-6 for s in range(t + 1))


def _visits(
    data: PlanningData, units: dict[Part, float], worth: dict[Part, float]
) -> dict[tuple[str, int], list[Visit]]:
    """The parts as visits, by depot and period (cut to a truck later, in `with_visits`)."""
    out: dict[tuple[str, int], list[Visit]] = defaultdict(list)
    for (w, t, c, cold), q in sorted(units.items()):
        out[w, t].append(Visit(data.customers[c], q, cold, worth[w, t, c, cold]))
    return dict(out)
