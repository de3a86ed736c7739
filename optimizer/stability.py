"""Stability: a replan keeps what it does not need to change.

Each asset's work in the previous plan becomes a target on the same absolute
day, keyed as the plan diff keys it: production per machine, product and
day; purchases per supplier, product, destination and day; transfers per
lane, product and day; deliveries per warehouse, customer, product and day
(quantities summed over demand lines). The model pays
``weight[t] * |new - target|`` per unit.

With a target of 0 that is ``weight[t] * new``, a plain cost on every
variable of the key, which the objective always carries. Only a key with
work in the plan in force needs more: ``|x - T| = (x - T) + 2 * max(0, T - x)``,
so a row ``x + down >= T`` with a non-negative ``down`` priced at
``2 * weight[t]``, and the constant ``-weight[t] * T``. Those rows are added
when a plan first names their key (`set_targets`), in one block per replan
(``keep_1``, ``keep_2``, ...), and kept, with their target back at 0 once
no plan names the key. A first plan's model has none: building a row per
key the model could use would be more than half of the cold build on the
M benchmark network.

Each block's ``down`` costs reach the objective through one pre-made
variable, ``keep_pen[n] >= sum(2 * weight[t] * down)``, so the objective is
written once, at the build; the pool of such variables
(`SolverSettings.stability_blocks`) bounds the number of blocks, and a
model whose pool is used up is rebuilt (`room_left`).

Per period the weight is:

- 0 for a period already under way when the snapshot is taken: what is
  under way is frozen by construction (agents offer only the hours left,
  started runs are committed, vehicles out keep their load, shipped goods
  are inbound), and the previous plan's figures for it are partly history;
- ``CostModel.frozen_per_unit`` for periods starting within
  ``PlanningSettings.frozen_hours`` of the snapshot: above any shortage
  penalty, so frozen work moves only when it has become impossible;
- ``CostModel.stability_per_unit`` beyond.

Weights, targets and the constant are mutable ``Param``s: a warm model takes
a new previous plan as parameter updates plus, at most, one new block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import timedelta
from typing import Any, cast

import pyomo.environ as pyo

from optimizer.data import PlanningData
from optimizer.linear import Term, at_least, ones, rows
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

Key = tuple[Hashable, ...]
"""A family, then the family's key, period last: ``("make", machine, product, t)``."""


def groups(model: pyo.ConcreteModel, data: PlanningData) -> dict[Key, list[Any]]:
    """Each stability key and the variables that sum to it."""
    out: dict[Key, list[Any]] = defaultdict(list)
    for m, p, t in model.make:
        out["make", m, p, t].append(model.make[m, p, t])
    for i, w, t in model.buy:
        o = data.purchases[i]
        out["buy", o.supplier_id, o.product_id, w, t].append(model.buy[i, w, t])
    for k in model.move:
        out["move", *k].append(model.move[k])
    for k in model.ship:
        out["ship", *k].append(model.ship[k])
    return out


class Keeping:
    """The stability part of one model: which keys have rows, and where.

    `capacity` is how many blocks of rows the model has penalty variables for.
    """

    def __init__(self, members: dict[Key, list[Any]], capacity: int) -> None:
        self.members = members
        self.capacity = capacity
        self.rows: dict[Key, Any] = {}  # key -> its target Param
        self.blocks = 0


def add_stability(model: pyo.ConcreteModel, data: PlanningData) -> tuple[list[Term], list[Any]]:
    """Add the weights, the pool of block penalties and the constant; returns their cost.

    The cost is ``weight[t]`` on every variable of every key (the stability
    cost of a target of 0), the pool variables at 1 and the constant
    ``keep_offset``; `set_targets` adds rows for the keys a plan names.
    """
    model.stab_w = pyo.Param(data.periods, mutable=True, initialize=0.0)
    model.keep_offset = pyo.Param(mutable=True, initialize=0.0)
    capacity = data.solver.stability_blocks
    model.keep_pen = pyo.Var(range(capacity), domain=pyo.NonNegativeReals)
    keeping = Keeping(groups(model, data), capacity)
    model._keeping = keeping
    weight = {t: model.stab_w[t] for t in data.periods}
    terms = [(weight[_period(k)], v) for k, vs in keeping.members.items() for v in vs]
    terms += ones(model.keep_pen.values())
    return terms, [model.keep_offset]


def room_left(model: pyo.ConcreteModel) -> bool:
    """Whether `model` can take another block of stability rows."""
    keeping: Keeping = model._keeping
    return keeping.blocks < keeping.capacity


def set_targets(
    model: pyo.ConcreteModel,
    data: PlanningData,
    previous: Plan | None,
    settings: PlanningSettings,
    taken_at: Any,
) -> pyo.Block | None:
    """Write the previous plan's work as targets, and each period's weight.

    Returns the block of rows added for keys no earlier plan named (to be
    added to a solver that already holds the model), or None.
    """
    keeping: Keeping = model._keeping
    weights = {t: _weight(data, previous, settings, taken_at, t) for t in data.periods}
    for t, w in weights.items():
        model.stab_w[t] = w
    wanted: dict[Key, float] = defaultdict(float)
    if previous is not None and any(weights.values()):
        for key, q in _work(previous, data):
            if key in keeping.members and weights[_period(key)] > 0:
                wanted[key] += q
    # Only changed targets are written: writing a Param through Pyomo costs
    # microseconds, and most targets stay as they were from one replan to the next.
    for key, param in keeping.rows.items():
        value = wanted.get(key, 0.0)
        if param.value != value:
            param.set_value(value)
    fresh = sorted((k for k, q in wanted.items() if q > 0 and k not in keeping.rows), key=str)
    block = _add_block(model, keeping, fresh, wanted) if fresh else None
    model.keep_offset = -sum(weights[_period(k)] * p.value for k, p in keeping.rows.items())
    return block


def _add_block(
    model: pyo.ConcreteModel, keeping: Keeping, keys: list[Key], wanted: dict[Key, float]
) -> pyo.Block:
    """Rows ``x + down >= target`` for `keys`, and their penalty in the next pool variable."""
    n = keeping.blocks
    if n >= keeping.capacity:
        raise RuntimeError("no room for more stability rows; rebuild the model (room_left)")
    keeping.blocks += 1
    block = pyo.Block()
    model.add_component(f"keep_{n + 1}", block)
    at = range(len(keys))  # keys differ in length between families: rows go by position
    block.target = pyo.Param(
        at, mutable=True, initialize={i: wanted[k] for i, k in enumerate(keys)}
    )
    block.down = pyo.Var(at, domain=pyo.NonNegativeReals)
    down, target = dict(block.down.items()), dict(block.target.items())
    block.row = rows(
        {
            i: at_least([*ones(keeping.members[k]), (1, down[i])], target[i])
            for i, k in enumerate(keys)
        }
    )
    twice = {t: -2 * model.stab_w[t] for t in {_period(k) for k in keys}}
    block.pen = rows(
        {
            0: at_least(
                [
                    (1, model.keep_pen[n]),
                    *((twice[_period(k)], down[i]) for i, k in enumerate(keys)),
                ],
                0.0,
            )
        }
    )
    keeping.rows.update({k: target[i] for i, k in enumerate(keys)})
    return block


def _period(key: Key) -> int:
    return cast(int, key[-1])


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
