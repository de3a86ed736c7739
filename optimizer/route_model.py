"""Routing builder: which candidate routes run, and what each carries.

Variables, for the candidates of `optimizer.columns` (routed periods only):

- ``use[j]`` binary: candidate route j runs.
- ``carry[j, c, p] >= 0``: units of product p route j drops at its stop c;
  only where c has demand for p that day, and for a cold-chain product only
  on a working reefer reaching c within the product's hours out of storage.

Constraints: a route carries at most its crew's room, and nothing unless it
runs (``route_load``); no drop exceeds what its stop wants of the product
that day, and nothing unless the route runs (``route_drop``); a route an
operator froze runs while its timing holds (``route_kept``); a crew runs at
most as many routes as it has vehicles (``crew_limit``); a route whose
timing no longer holds (a later replan the same day) cannot run
(``route_ok``); and what a warehouse ships to a customer in a routed period
is exactly what its running routes drop there (``route_link``). That last
row is the coupling: production and replenishment see every route's room,
reach and cost, and routes see every unit the plan wants moved.

``route_drop`` adds nothing to what a plan may do (a customer is never
sent more than it ordered) but it is what makes the LP relaxation honest:
with the room row alone, a 500 km out-and-back to one customer carrying 50
units of a 1,200-unit vehicle runs at 4 %, for 4 % of its cost. With it the
route runs whole for every unit it drops. On the M benchmark network the
LP relaxation rose from 2.54 M to 4.84 M (HiGHS's root after presolve and
5 s of cuts had reached 4.85 M; the best plan known is 4.87 M), and
rounding it up is within 0.6 % of it (`optimizer.dive`).

Room, crew sizes, wanted quantities and route feasibility are mutable ``Param``s
(`set_routes`), so a warm model follows a vehicle's load or the clock
without a rebuild; the candidates themselves are the model's shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyomo.environ as pyo

from optimizer.columns import Column, Crew, RouteCandidates, crews_of, timed
from optimizer.data import PlanningData
from optimizer.linear import Term, at_least, at_most, equal, ones, rows

Ship = tuple[str, str, str, int]


def add_routes(
    model: pyo.ConcreteModel,
    data: PlanningData,
    cands: RouteCandidates,
    ships: Iterable[Ship],
) -> list[Term]:
    """Add route selection and loading to `model`; returns the driving cost terms."""
    cols = range(len(cands.columns))
    loads = list(route_loads(data, cands))
    model.use = pyo.Var(cols, domain=pyo.Binary)
    model.carry = pyo.Var(loads, domain=pyo.NonNegativeReals)
    model.col_room = pyo.Param(
        cols,
        mutable=True,
        initialize={j: cands.crews[col.crew].room for j, col in enumerate(cands.columns)},
    )
    model.col_ok = pyo.Param(cols, mutable=True, initialize=1.0)
    model.crew_size = pyo.Param(
        range(len(cands.crews)),
        mutable=True,
        initialize={k: len(crew.vehicle_ids) for k, crew in enumerate(cands.crews)},
    )
    model.want = pyo.Param(
        sorted({(c, p, cands.columns[j].period) for j, c, p in loads}),
        mutable=True,
        initialize=lambda _, c, p, t: wanted(data, c, p, t),
    )
    use, carry = dict(model.use.items()), dict(model.carry.items())
    on_route: dict[int, list[Any]] = defaultdict(list)
    dropped: dict[Ship, list[Any]] = defaultdict(list)
    for j, c, p in loads:
        col = cands.columns[j]
        on_route[j].append(carry[j, c, p])
        dropped[col.depot_id, c, p, col.period].append(carry[j, c, p])
    model.route_load = rows({j: _room(model, j, on_route[j]) for j in cols})
    model.route_drop = rows(
        {
            (j, c, p): at_most(
                [(1, carry[j, c, p]), (-model.want[c, p, cands.columns[j].period], use[j])], 0.0
            )
            for j, c, p in loads
        }
    )
    model.route_ok = rows({j: at_most([(1, use[j])], model.col_ok[j]) for j in cols})
    model.route_kept = rows(
        {j: at_least([(1, use[j])], model.col_ok[j]) for j in sorted(cands.fixed)}
    )
    by_crew: dict[int, list[Any]] = defaultdict(list)
    for j, col in enumerate(cands.columns):
        by_crew[col.crew].append(use[j])
    model.crew_limit = rows({k: at_most(ones(vs), model.crew_size[k]) for k, vs in by_crew.items()})
    model.route_link = rows(
        {
            s: equal([(1, model.ship[s]), *((-1, v) for v in dropped.get(s, ()))], 0.0)
            for s in ships
            if s[3] < data.routed_periods
        }
    )
    return [(col.cost, use[j]) for j, col in enumerate(cands.columns)]


def _room(model: pyo.ConcreteModel, j: int, loads: list[Any]) -> Any:
    """Route j carries at most its crew's room, and nothing unless it runs.

    A route with nothing it may drop keeps a row (``room * use >= 0``, always
    met), so every route has its row and the loaded LP keeps its shape.
    """
    use = model.use[j]
    if not loads:
        return at_least([(model.col_room[j], use)], 0.0)
    return at_most([*ones(loads), (-model.col_room[j], use)], 0.0)


def wanted(data: PlanningData, c: str, p: str, t: int) -> float:
    """Units of p customer c's demand lines ask for in period t."""
    return sum(data.demand[i].quantity for i in data.demand_keys.get((c, p, t), ()))


def route_loads(data: PlanningData, cands: RouteCandidates) -> Iterable[tuple[int, str, str]]:
    """Every (route, stop, product) a route may drop."""
    products: dict[tuple[str, int], list[str]] = defaultdict(list)
    for c, p, t in data.demand_keys:
        products[c, t].append(p)
    limits = {p.id: p.max_hours_out_of_storage for p in data.network.products}
    for j, col in enumerate(cands.columns):
        crew = cands.crews[col.crew]
        for k, c in enumerate(col.stops):
            for p in sorted(products[c, col.period]):
                if p not in data.cold:
                    if (col.depot_id, c) in data.arc_set:
                        yield j, c, p
                    continue
                limit = limits[p]
                if (
                    crew.cold_ok
                    and (col.depot_id, c) in data.cold_arcs
                    and (limit is None or col.hours_out(k, crew.departure) <= limit + 1e-9)
                ):
                    yield j, c, p


def set_routes(model: pyo.ConcreteModel, data: PlanningData, cands: RouteCandidates) -> None:
    """Write today's room, crew sizes, wants and route feasibility into a model of the same shape.

    `cands` are the candidates the model was built with; their crews are
    matched to `data`'s by key (same vehicles, same depot and day).
    """
    now = {c.key: c for c in crews_of(data)}
    for j, col in enumerate(cands.columns):
        crew = now.get(cands.crews[col.crew].key)
        still = crew is not None and _still_fits(data, crew, col)
        model.col_ok[j] = 1.0 if still else 0.0
        model.col_room[j] = crew.room if crew is not None else 0.0
    for c, p, t in model.want:
        model.want[c, p, t] = wanted(data, c, p, t)
    for k, crew in enumerate(cands.crews):
        current = now.get(crew.key)
        model.crew_size[k] = len(current.vehicle_ids) if current is not None else 0


def _still_fits(data: PlanningData, crew: Crew, col: Column) -> bool:
    """Whether the route keeps its windows and shift from the crew's departure today.

    Its cold-chain drops need no second look: leaving later only shortens the
    waits, so every stop's hours out of storage can only fall.
    """
    return timed(data, crew, col.crew, col.stops) is not None
