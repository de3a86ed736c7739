"""Replenishment builder: purchases, transfers, stock, deliveries and shortages.

Variables:

- ``buy[i, w, t]``: units bought on quote i for warehouse w, ordered in t and
  arriving ``lead`` periods later; arrivals after the window count toward
  the position it ends with, so a source slower than the window is usable.
- ``move[o, d, p, t]``: units shipped from warehouse o to d in t, arriving
  ``transfer_periods`` later (line haul, unlimited), on `PlanningData.lanes`;
  arrivals after the window count like late purchases.
- ``ship[w, c, p, t]``: units delivered from w to customer c in t, only on
  pairs a vehicle of w reaches in one shift (cold products: a working reefer).
  In the routed periods the routes carry them (`optimizer.route_model`);
  beyond, an aggregate fleet capacity per warehouse and period and a cost
  per unit-km stand in for routes not yet decided.
- ``short[l]``: units of demand line l not served; priced at the product's
  shortage penalty (forecast lines at a share of it), so the model is
  always feasible.
- ``ready[w, p, t]``: what leaves a warehouse in t (deliveries and
  transfers) comes from stock on hand when the period starts: vehicles and
  line hauls leave in the morning (07:00 and 00:00 in the simulator), before
  the day's machine output or the 08:00 arrivals land. Without this row a
  plan ships today what is made today, and the trucks leave half empty.
- ``stock[w, p, t] >= 0``: end-of-period stock; ``over[w, t]``: units above
  capacity (a steep price, only so stock already on hand never makes the model
  infeasible).
- ``under[w, p, t]``: units of stock below the safety stock at the end of t;
  ``end_cover[w, p]`` and ``end_safety[w, p]``: units the window ends short of
  its target position (on hand plus everything landing after the window),
  the safety part priced lower and taken first (`optimizer.targets`).

Everything an agent reports between replans (stock and arrivals, warehouse
space, demand and its penalty, quoted quantities and prices, fleet capacity)
enters as a mutable ``Param``, so `set_replenishment` can update a built
model in place; the index sets are the model's shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pyomo.environ as pyo

from optimizer.data import Key3, PlanningData
from optimizer.linear import Term, at_least, at_most, equal, ones, rows
from optimizer.tail import add_tail, set_tail


def add_replenishment(
    model: pyo.ConcreteModel, data: PlanningData, produced: Mapping[Key3, list[Any]]
) -> list[Term]:
    """Add the flow of goods to `model`; returns its cost terms.

    Args:
        model: the model the production builder already added to.
        data: the planning data.
        produced: production landing in each (warehouse, product, period).
    """
    n, ws, ps = len(data.periods), data.warehouses, data.products
    buys = [
        (i, w, t)
        for i, o in enumerate(data.purchases)
        for w in ws
        for t in data.periods
        if data.receives(w, o.product_id)
    ]
    lag = data.transfer_periods
    moves = [
        (o, d, p, t)
        for o in ws
        for d in ws
        for p in ps
        for t in data.periods
        if (o, d) in data.lanes and data.receives(d, p)
    ]
    arcs = frozenset(data.arcs)
    ships = [
        (w, c, p, t)
        for (c, p, t) in data.demand_keys
        for w in ws
        if (w, c) in (data.cold_arcs if p in data.cold else arcs)
    ]
    model.buy = pyo.Var(buys, domain=pyo.NonNegativeReals)
    model.move = pyo.Var(moves, domain=pyo.NonNegativeReals)
    model.ship = pyo.Var(ships, domain=pyo.NonNegativeReals)
    lines = range(len(data.demand))
    model.line_qty = pyo.Param(
        lines, mutable=True, initialize={i: line.quantity for i, line in enumerate(data.demand)}
    )
    model.line_pen = pyo.Param(
        lines,
        mutable=True,
        initialize={i: data.line_penalty(line) for i, line in enumerate(data.demand)},
    )
    model.short = pyo.Var(
        lines, domain=pyo.NonNegativeReals, bounds=lambda _, i: (0.0, model.line_qty[i])
    )
    model.given = pyo.Param(
        ws,
        ps,
        data.periods,
        mutable=True,
        initialize={(w, p, t): given(data, w, p, t) for w in ws for p in ps for t in data.periods},
    )
    model.room = pyo.Param(ws, mutable=True, initialize=data.capacity_units)
    model.price = pyo.Param(
        range(len(data.purchases)),
        mutable=True,
        initialize={i: o.unit_price for i, o in enumerate(data.purchases)},
    )
    model.safety_units = pyo.Param(
        sorted(data.targets),
        mutable=True,
        initialize={k: t.safety for k, t in data.targets.items()},
    )
    model.stock = pyo.Var(ws, ps, data.periods, domain=pyo.NonNegativeReals)
    model.over = pyo.Var(ws, data.periods, domain=pyo.NonNegativeReals)
    targeted = sorted(data.targets)
    model.under = pyo.Var(
        [(w, p, t) for w, p in targeted for t in data.periods], domain=pyo.NonNegativeReals
    )
    buy, move, ship = dict(model.buy.items()), dict(model.move.items()), dict(model.ship.items())
    stock, over = dict(model.stock.items()), dict(model.over.items())

    inflow: dict[Key3, list[Any]] = defaultdict(list)
    outflow: dict[Key3, list[Any]] = defaultdict(list)
    for i, w, t in buys:
        quote = data.purchases[i]
        inflow[w, quote.product_id, t + quote.lead].append(buy[i, w, t])
    for o, d, p, t in moves:
        inflow[d, p, t + lag].append(move[o, d, p, t])
        outflow[o, p, t].append(move[o, d, p, t])
    for w, c, p, t in ships:
        outflow[w, p, t].append(ship[w, c, p, t])

    def balance(w: str, p: str, t: int) -> Any:
        gain = [*produced.get((w, p, t), ()), *inflow[w, p, t]]
        terms = [(1, stock[w, p, t])]
        if t > 0:
            terms.append((-1, stock[w, p, t - 1]))
        terms += [(-1, v) for v in gain] + ones(outflow[w, p, t])
        return equal(terms, model.given[w, p, t])

    model.balance = rows(
        {(w, p, t): balance(w, p, t) for w in ws for p in ps for t in data.periods}
    )
    model.on_hand = pyo.Param(ws, ps, mutable=True, initialize=dict(data.stock))
    model.ready = rows(
        {
            (w, p, t): at_most(
                [*ones(vs), *([(-1, stock[w, p, t - 1])] if t > 0 else [])],
                model.on_hand[w, p] if t == 0 else 0.0,
            )
            for (w, p, t), vs in outflow.items()
        }
    )
    model.space = rows(
        {
            (w, t): at_most([*ones(stock[w, p, t] for p in ps), (-1, over[w, t])], model.room[w])
            for w in ws
            for t in data.periods
        }
    )
    _add_limits(model, data, buys, ships)

    cm = data.costs
    under = dict(model.under.items())
    model.buffer = rows(
        {
            (w, p, t): at_least(
                [(1, stock[w, p, t]), (1, under[w, p, t])], model.safety_units[w, p]
            )
            for w, p, t in model.under
        }
    )
    landing = {k: vs for k, vs in inflow.items() if k[2] >= n}
    tail_cost = add_tail(model, data, landing)
    prices = {p: data.target_prices(p) for p in ps}
    short = dict(model.short.items())
    return [
        *((model.price[i], buy[i, w, t]) for i, w, t in buys),
        *(
            (cm.transfer_base + cm.transfer_per_km * data.km[o, d], move[o, d, p, t])
            for o, d, p, t in moves
        ),
        *(
            (cm.delivery_per_km * data.km[w, cu], ship[w, cu, p, t])
            for w, cu, p, t in ships
            if t >= data.routed_periods  # routed periods pay for their routes instead
        ),
        *((data.holding[p], stock[w, p, t]) for w in ws for p in ps for t in data.periods),
        *((model.line_pen[i], short[i]) for i in lines),
        *((cm.overflow_per_unit, over[w, t]) for w in ws for t in data.periods),
        *((prices[p].under, under[w, p, t]) for w, p, t in model.under),
        *tail_cost,
    ]


def _add_limits(
    model: pyo.ConcreteModel,
    data: PlanningData,
    buys: list[tuple[int, str, int]],
    ships: list[tuple[str, str, str, int]],
) -> None:
    """Demand served, quote limits and fleet capacity."""
    per_quote: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for i, w, t in buys:
        per_quote[i, t].append(model.buy[i, w, t])
    model.quote_qty = pyo.Param(
        sorted(per_quote),
        mutable=True,
        initialize={(i, t): data.purchases[i].limit(t) for i, t in per_quote},
    )
    model.quote_limit = rows(
        {(i, t): at_most(ones(vs), model.quote_qty[i, t]) for (i, t), vs in per_quote.items()}
    )
    served: dict[Key3, list[Any]] = defaultdict(list)
    fleet: dict[tuple[str, int], list[Any]] = defaultdict(list)
    cold: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for w, c, p, t in ships:
        v = model.ship[w, c, p, t]
        served[c, p, t].append(v)
        if t < data.routed_periods:
            continue  # the routes' own room limits these (`optimizer.route_model`)
        fleet[w, t].append(v)
        if p in data.cold:
            cold[w, t].append(v)

    def serve(c: str, p: str, t: int) -> Any:
        lines = data.demand_keys[c, p, t]
        wanted = sum(model.line_qty[i] for i in lines)
        return equal(ones([*served[c, p, t], *(model.short[i] for i in lines)]), wanted)

    model.serve = rows({k: serve(*k) for k in data.demand_keys})
    model.fleet_cap = pyo.Param(
        list(fleet), mutable=True, initialize={k: data.fleet_capacity.get(k, 0.0) for k in fleet}
    )
    model.cold_cap = pyo.Param(
        list(cold), mutable=True, initialize={k: data.cold_capacity.get(k, 0.0) for k in cold}
    )
    model.fleet = rows({k: at_most(ones(vs), model.fleet_cap[k]) for k, vs in fleet.items()})
    model.cold_fleet = rows({k: at_most(ones(vs), model.cold_cap[k]) for k, vs in cold.items()})


def given(data: PlanningData, w: str, p: str, t: int) -> float:
    """Goods in a warehouse's balance that no decision brings: stock at start, arrivals."""
    return data.arrivals.get((w, p, t), 0.0) + (data.stock[w, p] if t == 0 else 0.0)


def set_replenishment(model: pyo.ConcreteModel, data: PlanningData) -> None:
    """Write a snapshot's stock, space, demand, quotes and fleet into a model of the same shape."""
    for i, line in enumerate(data.demand):
        model.line_qty[i] = line.quantity
        model.line_pen[i] = data.line_penalty(line)
    for w, p, t in model.given:
        model.given[w, p, t] = given(data, w, p, t)
    for w, p in model.on_hand:
        model.on_hand[w, p] = data.stock[w, p]
    for key in model.safety_units:
        model.safety_units[key] = data.targets[key].safety
    set_tail(model, data)
    for w in model.room:
        model.room[w] = data.capacity_units[w]
    for i, o in enumerate(data.purchases):
        model.price[i] = o.unit_price
    for i, t in model.quote_qty:
        model.quote_qty[i, t] = data.purchases[i].limit(t)
    for k in model.fleet_cap:
        model.fleet_cap[k] = data.fleet_capacity.get(k, 0.0)
    for k in model.cold_cap:
        model.cold_cap[k] = data.cold_capacity.get(k, 0.0)
