"""Stability: a replan keeps what it does not need to change.

Each asset's work in the previous plan becomes a target on the same absolute
day, keyed as the plan diff keys it: production per machine, product and
day; purchases per supplier, product, destination and day; transfers per
lane, product and day; deliveries per warehouse, customer, product and day
(quantities summed over demand lines). The model pays
``weight[t] * |new - target|`` per unit, written with one row per key:
``|x - T| = (x - T) + 2 * max(0, T - x)``, so ``x + down >= T`` with a
non-negative ``down``. One block per family (``keep_make``, ``keep_buy``,
``keep_move``, ``keep_ship``) holds its targets, deviations and rows.

Per period the weight is:

- 0 for a period already under way when the snapshot is taken: what is
  under way is frozen by construction (agents offer only the hours left,
  started runs are committed, vehicles out keep their load, shipped goods
  are inbound), and the previous plan's figures for it are partly history;
- ``CostModel.frozen_per_unit`` for periods starting within
  ``PlanningSettings.frozen_hours`` of the snapshot: above any shortage
  penalty, so frozen work moves only when it has become impossible;
- ``CostModel.stability_per_unit`` beyond.

Targets and weights are mutable ``Param``s: a warm model takes a new
previous plan without a rebuild. Every key the model could use has its row,
most with target 0 (which presolve removes), so the shape never depends on
the previous plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import timedelta
from typing import Any

import pyomo.environ as pyo

from optimizer.data import PlanningData
from optimizer.linear import Term, at_least, ones, rows
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

Key = tuple[Hashable, ...]


FAMILIES = ("make", "buy", "move", "ship")


def groups(model: pyo.ConcreteModel, data: PlanningData) -> dict[str, dict[Key, list[Any]]]:
    """Per family, each stability key (period last) and the variables that sum to it."""
    out: dict[str, dict[Key, list[Any]]] = {f: defaultdict(list) for f in FAMILIES}
    for m, p, t in model.make:
        out["make"][m, p, t].append(model.make[m, p, t])
    for i, w, t in model.buy:
        o = data.purchases[i]
        out["buy"][o.supplier_id, o.product_id, w, t].append(model.buy[i, w, t])
    for k in model.move:
        out["move"][k].append(model.move[k])
    for k in model.ship:
        out["ship"][k].append(model.ship[k])
    return out


def add_stability(model: pyo.ConcreteModel, data: PlanningData) -> tuple[list[Term], list[Any]]:
    """Add deviation variables and rows (targets 0, weights 0); returns their cost.

    The cost is its terms and its constant part (``-weight * target`` per key).
    """
    model.stab_w = pyo.Param(data.periods, mutable=True, initialize=0.0)
    weight: dict[Hashable, Any] = {t: model.stab_w[t] for t in data.periods}
    twice = {t: 2 * w for t, w in weight.items()}  # one expression per period, shared
    terms: list[Term] = []
    constants: list[Any] = []
    for family, members in groups(model, data).items():
        keys = list(members)
        block = pyo.Block()
        model.add_component(f"keep_{family}", block)
        block.target = pyo.Param(keys, mutable=True, initialize=0.0)
        block.down = pyo.Var(keys, domain=pyo.NonNegativeReals)
        down, target = dict(block.down.items()), dict(block.target.items())
        block.row = rows({k: at_least([*ones(members[k]), (1, down[k])], target[k]) for k in keys})
        for k in keys:
            terms += [(weight[k[-1]], v) for v in members[k]]
            terms.append((twice[k[-1]], down[k]))
            constants.append(-weight[k[-1]] * target[k])
    return terms, constants


def set_targets(
    model: pyo.ConcreteModel,
    data: PlanningData,
    previous: Plan | None,
    settings: PlanningSettings,
    taken_at: Any,
) -> None:
    """Write the previous plan's work as targets, and each period's weight."""
    for t in data.periods:
        model.stab_w[t] = _weight(data, previous, settings, taken_at, t)
    wanted: dict[Key, float] = defaultdict(float)
    if previous is not None:
        for key, q in _work(previous, data):
            wanted[key] += q
    for family in FAMILIES:
        # Only changed targets are written: most stay 0 from one replan to
        # the next, and writing a Param through Pyomo costs microseconds.
        for k, param in getattr(model, f"keep_{family}").target.items():
            value = wanted.get((family, *k), 0.0)
            if param.value != value:
                param.set_value(value)


def _weight(
    data: PlanningData,
    previous: Plan | None,
    settings: PlanningSettings,
    taken_at: Any,
    t: int,
) -> float:
    start = data.window.period_start(t)
    if previous is None or start < taken_at:
        return 0.0
    if start < taken_at + timedelta(hours=settings.frozen_hours):
        return data.costs.frozen_per_unit
    return data.costs.stability_per_unit


def _work(plan: Plan, data: PlanningData) -> Iterable[tuple[Key, float]]:
    """The previous plan's decisions keyed on the new window's periods."""
    at, new = plan.window.period_start, data.window

    def period(p: int) -> int | None:
        ts = at(p)
        t = new.period_of(ts)
        return t if 0 <= t < new.periods and new.period_start(t) == ts else None

    for r in plan.production:
        if (t := period(r.period)) is not None:
            yield ("make", r.machine_id, r.product_id, t), r.quantity
    for po in plan.purchases:
        if (t := period(po.order_period)) is not None:
            yield ("buy", po.supplier_id, po.product_id, po.destination_id, t), po.quantity
    for tr in plan.transfers:
        if (t := period(tr.ship_period)) is not None:
            yield ("move", tr.origin_id, tr.destination_id, tr.product_id, t), tr.quantity
    for d in plan.deliveries:
        if (t := period(d.period)) is not None:
            yield ("ship", d.warehouse_id, d.customer_id, d.product_id, t), d.quantity
