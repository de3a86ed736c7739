"""The window's tail: stock-only periods after the window, as long as each source takes.

A purchase ordered inside the window may land after it; a plan that cannot
see those periods never uses a supplier slower than its window and ends
every window with as little stock as it can. The tail gives each
warehouse and product (`PlanningData.targets`) ``lead`` more periods in
which the customers it is nearest to take their expected demand
(``mean`` per period) and only what is on hand or on the way can serve
them: no decision after the window lands in time. Nothing is routed or made
there; purchases and transfers ordered in the window land there on their
own period, and shipments already on the way on theirs.

Variables, for each (warehouse, product, k) with k < lead:

- ``tail_stock >= 0``: stock at the end of tail period k, holding priced.
- ``tail_serve`` / ``tail_short``: expected demand served from stock on hand
  at the period's start, and the rest, priced below a forecast line's
  penalty (`PlanningData.target_prices`).
- ``tail_under >= 0``: units the period ends below the safety stock, priced
  per period like the window's own (``under``), so that a buffer arrives
  as early as it can instead of rolling forward with the window.
- ``end_safety[w, p] >= 0``: units the tail ends short of the safety stock
  (landings after the tail count), priced between the product's
  replacement cost and its penalty: a buffer is worth what it costs to
  buy, so holding one costs the plan only its holding.

The demand and safety figures and the shipments' landings are mutable
``Param``s, so a replan updates them in place (`set_tail`); which periods
exist is part of the model's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyomo.environ as pyo

from optimizer.data import Key3, PlanningData
from optimizer.linear import Term, at_least, at_most, equal, ones, rows


def tail_keys(data: PlanningData) -> list[Key3]:
    """(warehouse, product, k) of every tail period, k counted from the window's end."""
    return [(w, p, k) for (w, p), t in sorted(data.targets.items()) for k in range(t.lead)]


def add_tail(
    model: pyo.ConcreteModel, data: PlanningData, landing: Mapping[Key3, list[Any]]
) -> list[Term]:
    """Add the tail to `model`; returns its cost terms.

    Args:
        model: a model with ``stock[w, p, t]`` for the window's periods.
        data: the planning data.
        landing: decisions landing after the window, by (warehouse, product,
            period counted from the window's start).
    """
    n = len(data.periods)
    keys = tail_keys(data)
    targeted = sorted(data.targets)
    model.tail_mean = pyo.Param(
        targeted, mutable=True, initialize={k: data.targets[k].mean for k in targeted}
    )
    model.tail_given = pyo.Param(
        keys, mutable=True, initialize={k: tail_given(data, k) for k in keys}
    )
    model.end_need = pyo.Param(
        targeted, mutable=True, initialize={k: end_need(data, k) for k in targeted}
    )
    model.tail_stock = pyo.Var(keys, domain=pyo.NonNegativeReals)
    model.tail_serve = pyo.Var(keys, domain=pyo.NonNegativeReals)
    model.tail_short = pyo.Var(keys, domain=pyo.NonNegativeReals)
    model.tail_under = pyo.Var(keys, domain=pyo.NonNegativeReals)
    model.end_safety = pyo.Var(targeted, domain=pyo.NonNegativeReals)
    stock = dict(model.tail_stock.items())
    under = dict(model.tail_under.items())
    serve = dict(model.tail_serve.items())
    short = dict(model.tail_short.items())

    def before(w: str, p: str, k: int) -> Any:
        return model.stock[w, p, n - 1] if k == 0 else stock[w, p, k - 1]

    model.tail_demand = rows(
        {
            (w, p, k): equal([(1, serve[w, p, k]), (1, short[w, p, k])], model.tail_mean[w, p])
            for w, p, k in keys
        }
    )
    model.tail_balance = rows(
        {
            (w, p, k): equal(
                [
                    (1, stock[w, p, k]),
                    (-1, before(w, p, k)),
                    *((-1, v) for v in landing.get((w, p, n + k), ())),
                    (1, serve[w, p, k]),
                ],
                model.tail_given[w, p, k],
            )
            for w, p, k in keys
        }
    )
    model.tail_ready = rows(
        {(w, p, k): at_most([(1, serve[w, p, k]), (-1, before(w, p, k))], 0.0) for w, p, k in keys}
    )
    model.tail_buffer = rows(
        {
            (w, p, k): at_least(
                [(1, stock[w, p, k]), (1, under[w, p, k])], model.safety_units[w, p]
            )
            for w, p, k in keys
        }
    )
    model.end_position = rows(
        {
            (w, p): at_least(
                [
                    (1, stock[w, p, data.targets[w, p].lead - 1]),
                    *ones(
                        v
                        for (lw, lp, a), vs in landing.items()
                        if (lw, lp) == (w, p) and a >= n + data.targets[w, p].lead
                        for v in vs
                    ),
                    (1, model.end_safety[w, p]),
                ],
                model.end_need[w, p],
            )
            for w, p in targeted
        }
    )
    prices = {p: data.target_prices(p) for p in data.products}
    return [
        *((data.holding[p], stock[w, p, k]) for w, p, k in keys),
        *((prices[p].tail_short, short[w, p, k]) for w, p, k in keys),
        *((prices[p].under, under[w, p, k]) for w, p, k in keys),
        *((prices[p].end_safety, model.end_safety[w, p]) for w, p in targeted),
    ]


def tail_given(data: PlanningData, key: Key3) -> float:
    """Shipments already on the way that land in tail period k."""
    w, p, k = key
    return data.tail.get((w, p, len(data.periods) + k), 0.0)


def end_need(data: PlanningData, key: tuple[str, str]) -> float:
    """Safety stock the tail should end with, less shipments landing after it anyway."""
    w, p = key
    target = data.targets.get(key)
    if target is None:
        return 0.0
    after = len(data.periods) + target.lead
    late = sum(q for (lw, lp, a), q in data.tail.items() if (lw, lp) == (w, p) and a >= after)
    return target.safety - late


def set_tail(model: pyo.ConcreteModel, data: PlanningData) -> None:
    """Write a snapshot's tail demand, safety stock and landings into a model of the same shape."""
    for key in model.tail_mean:
        model.tail_mean[key] = data.targets[key].mean
        model.end_need[key] = end_need(data, key)
    for key3 in model.tail_given:
        model.tail_given[key3] = tail_given(data, key3)
