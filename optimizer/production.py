"""Production builder: lot sizes, setups and due maintenance per machine and period.

Variables (only where a run fits in the period at all):

- ``make[m, p, t] >= 0``: units of product p made on machine m in period t;
  they land in the plant's output warehouse in the same period.
- ``setup[m, p, t]`` binary: the machine is set up for p in t.
- ``maint[m, t]`` binary: the due maintenance of m is done in t.

Constraints: hours of runs plus setups fit the period's hours minus the
maintenance done in it; ``make <= useful * setup``, where ``useful`` is the
smaller of what the period's hours can make and what demand and safety stock
can use from then on (`useful`); exactly one maintenance among the feasible
periods up to the due one.

The hours a machine offers and the useful output are mutable ``Param``s
(``hours_cap``, ``useful``), so a derated machine or new demand updates a
built model in place (`set_production`) instead of rebuilding it; which
runs exist at all is part of the model's shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo

from optimizer.data import Key3, MachineData, PlanningData
from optimizer.linear import Term, at_most, equal, ones, rows

EPS = 1e-6


@dataclass(frozen=True)
class ProductionPart:
    """What the production builder hands on.

    Attributes:
        output: the ``make`` variables landing in each (warehouse, product, period).
        cost: machine-hour, setup and maintenance-delay cost terms.
    """

    output: Mapping[Key3, list[Any]]
    cost: list[Term]


def run_index(data: PlanningData) -> list[tuple[str, str, int]]:
    """(machine, product, period) where a run fits after its setup and its output may be stored."""
    return [
        (m.machine_id, p, t)
        for m in data.machines
        for p in m.rates
        if data.receives(m.warehouse_id, p)
        for t in data.periods
        if m.capacity[t] > m.setup(p, t) + EPS
    ]


def add_production(model: pyo.ConcreteModel, data: PlanningData) -> ProductionPart:
    """Add production variables, constraints and cost to `model`."""
    machines = {m.machine_id: m for m in data.machines}
    runs = run_index(data)
    maint = [(m.machine_id, t) for m in data.machines for t in m.maintenance_periods]
    model.make = pyo.Var(runs, domain=pyo.NonNegativeReals)
    model.setup = pyo.Var(runs, domain=pyo.Binary)
    model.maint = pyo.Var(maint, domain=pyo.Binary)
    make, setup, down = (
        dict(model.make.items()),
        dict(model.setup.items()),
        dict(model.maint.items()),
    )

    hours: dict[tuple[str, int], list[Term]] = defaultdict(list)
    for k in runs:
        mach = machines[k[0]]
        hours[k[0], k[2]] += [(1 / mach.rates[k[1]], make[k]), (mach.setup(k[1], k[2]), setup[k])]
    for m, t in maint:
        hours[m, t].append((machines[m].maintenance_hours, down[m, t]))
    slots = sorted(hours)
    model.hours_cap = pyo.Param(
        slots, mutable=True, initialize={(m, t): machines[m].capacity[t] for m, t in slots}
    )
    model.machine_hours = rows({s: at_most(hours[s], model.hours_cap[s]) for s in slots})

    need = remaining_need(data)
    model.useful = pyo.Param(
        runs, mutable=True, initialize={k: useful(machines[k[0]], k[1], k[2], need) for k in runs}
    )
    model.setup_link = rows(
        {k: at_most([(1, make[k]), (-model.useful[k], setup[k])], 0.0) for k in runs}
    )
    model.maintain_once = rows(
        {
            m.machine_id: equal(ones(down[m.machine_id, t] for t in m.maintenance_periods), 1.0)
            for m in data.machines
            if m.maintenance_periods
        }
    )

    output: dict[Key3, list[Any]] = defaultdict(list)
    for m, p, t in runs:
        output[machines[m].warehouse_id, p, t].append(make[m, p, t])
    c = data.costs
    cost: list[Term] = []
    for m, p, t in runs:
        mach = machines[m]
        cost.append((c.production_per_hour / mach.rates[p], make[m, p, t]))
        cost.append((c.setup if mach.setup(p, t) > 0 else 0.0, setup[m, p, t]))
    cost += [(c.maintenance_delay * t, down[m, t]) for m, t in maint]
    return ProductionPart(output=dict(output), cost=cost)


def set_production(model: pyo.ConcreteModel, data: PlanningData) -> None:
    """Write offered hours and the output demand can use into a model of the same shape."""
    machines = {m.machine_id: m for m in data.machines}
    for m, t in model.hours_cap:
        model.hours_cap[m, t] = machines[m].capacity[t]
    need = remaining_need(data)
    for m, p, t in model.useful:
        model.useful[m, p, t] = useful(machines[m], p, t, need)


def remaining_need(data: PlanningData) -> dict[tuple[str, int], float]:
    """Units of each product anyone can use from period t on.

    Demand from t, plus each warehouse's safety stock and the expected
    demand of the window's tail (`optimizer.tail`).
    """
    per_period: dict[tuple[str, int], float] = defaultdict(float)
    for line in data.demand:
        per_period[line.product_id, line.period] += line.quantity
    safety: dict[str, float] = defaultdict(float)
    for (_, p), target in data.targets.items():
        safety[p] += target.safety + target.mean * target.lead
    out: dict[tuple[str, int], float] = {}
    for p in data.products:
        left = safety[p]
        for t in reversed(data.periods):
            left += per_period[p, t]
            out[p, t] = left
    return out


def useful(mach: MachineData, p: str, t: int, need: Mapping[tuple[str, int], float]) -> float:
    """The most of p that m can usefully make in t: the big-M of its setup link.

    It is the smaller of what the machine can make in the period and what
    anyone can use from then on (demand plus safety stock). Making more would
    only add cost, so the bound cuts no optimal plan, and it is much tighter
    than the machine's rate when demand is small: the LP relaxation can no
    longer buy a whole run's output with a sliver of a setup.
    """
    return min(mach.rates[p] * (mach.capacity[t] - mach.setup(p, t)), need[p, t])
