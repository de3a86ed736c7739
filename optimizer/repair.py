"""Repair re-solve: after a small event, re-decide only what the event touched.

On the M benchmark network HiGHS needs seconds of root cut rounds before its
sub-MIP heuristics find a good plan, so a full re-solve after one event
cannot answer within a second. But one event touches a few machines,
products or depots; the rest of the plan in force is still as good as it
was. A repair keeps every on/off decision of the plan in force (which runs
are set up, when due maintenance is done, which routes run) except those
the event touched, and re-decides those with LPs (`WarmPlanner._repair`):
every quantity (production, purchases, transfers, deliveries, loads,
shortages) stays free everywhere.

What an event touched comes from comparing the planning data the plan in
force was solved on with the new data (`touched`):

- a machine whose rates, setup, maintenance or capacity changed (a capacity
  that fell but still holds what the plan in force runs there, as the live
  clock wears down today's hours, is no change): its runs and maintenance,
  and every run of its products on any machine (others may take over);
- a product whose quote, stock, arrivals or reorder point changed, or whose
  demand changed: its runs on every machine;
- a customer whose demand changed: every route of every depot that has a
  route to that customer;
- a depot whose vehicles or fleet capacity changed, or one of whose chosen
  routes no longer fits the day (re-timed as the clock moves): all its
  routes;
- a warehouse whose space changed: its routes, and the runs of the machines
  that store into it.

Prices of shortage or holding changing touch everything: no repair then.

A repair is a heuristic for the full problem: the plan is `FEASIBLE`, its
gap to the full problem is unknown (the note gives how far it can be from
the best re-decision of the touched binaries, from their LP relaxation),
and repeated repairs never revisit what they keep. The window moving on (a new
day) changes the model's shape, and that rebuild solves in full, so a plan
drifts at most one period from a full solve. `supplysync bench replan`
measures how far a repair is from the full problem's bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pyomo.environ as pyo

from optimizer.columns import RouteCandidates
from optimizer.data import MachineData, PlanningData

EPS = 1e-6
ROUND_UP = 1e-4
"""A relaxed binary above this is rounded up (a setup with any output is set up)."""

RunKey = tuple[str, str, int]


@dataclass(frozen=True)
class Incumbent:
    """The on/off decisions of a solved plan and the data it was solved on.

    Attributes:
        hours: machine hours the plan uses per (machine, period), setups and
            maintenance included, to tell a capacity loss that matters.
    """

    data: PlanningData
    setup: Mapping[RunKey, int]
    maint: Mapping[tuple[str, int], int]
    use: Mapping[int, int]
    hours: Mapping[tuple[str, int], float]


@dataclass(frozen=True)
class Neighbourhood:
    """The machines, products, customers and depots an event touched."""

    machines: frozenset[str] = field(default_factory=frozenset)
    products: frozenset[str] = field(default_factory=frozenset)
    customers: frozenset[str] = field(default_factory=frozenset)
    depots: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> str:
        parts = (
            ("machines", self.machines),
            ("products", self.products),
            ("customers", self.customers),
            ("depots", self.depots),
        )
        said = [f"{name} {', '.join(sorted(ids))}" for name, ids in parts if ids]
        return "; ".join(said) or "nothing"


def incumbent_of(model: pyo.ConcreteModel, data: PlanningData) -> Incumbent:
    """Read the binaries and machine hours of the solution loaded into `model`."""
    machines = {m.machine_id: m for m in data.machines}
    hours: dict[tuple[str, int], float] = {}
    for m, p, t in model.make:
        mach = machines[m]
        made = pyo.value(model.make[m, p, t], exception=False) or 0.0
        on = _on(model.setup[m, p, t])
        used = made / mach.rates[p] + mach.setup(p, t) * on
        hours[m, t] = hours.get((m, t), 0.0) + used
    for m, t in model.maint:
        down = machines[m].maintenance_hours * _on(model.maint[m, t])
        hours[m, t] = hours.get((m, t), 0.0) + down
    return Incumbent(
        data=data,
        setup={k: _on(model.setup[k]) for k in model.setup},
        maint={k: _on(model.maint[k]) for k in model.maint},
        use={j: _on(model.use[j]) for j in model.use},
        hours=hours,
    )


def _on(var: Any) -> int:
    value = var.value
    return 1 if value is not None and value > 0.5 else 0


def touched(
    before: Incumbent, after: PlanningData, cands: RouteCandidates, model: pyo.ConcreteModel
) -> Neighbourhood | None:
    """What changed between the incumbent's data and `after`; None when everything did.

    `model` must already hold `after`'s parameters: a chosen route that its
    re-timing (`col_ok`) no longer allows touches its depot.
    """
    old = before.data
    if old.penalty != after.penalty or old.holding != after.holding or old.costs != after.costs:
        return None
    machines: set[str] = set()
    products: set[str] = set()
    customers: set[str] = set()
    depots: set[str] = set()
    for was, now in zip(old.machines, after.machines, strict=True):
        if _machine_changed(was, now, before.hours):
            machines.add(now.machine_id)
            products.update(now.rates)
    for was_o, now_o in zip(old.purchases, after.purchases, strict=True):
        if was_o != now_o:
            products.add(now_o.product_id)
    for key in _changed_keys(old.stock, after.stock):
        products.add(key[1])
    for key3 in _changed_keys(old.arrivals, after.arrivals):
        products.add(key3[1])
    for key in old.targets.keys() | after.targets.keys():
        if old.targets.get(key) != after.targets.get(key):
            products.add(key[1])
    for key in _changed_keys(old.tail, after.tail):
        products.add(key[1])
    for was_d, now_d in zip(old.demand, after.demand, strict=True):
        if abs(was_d.quantity - now_d.quantity) > EPS:
            products.add(now_d.product_id)
            customers.add(now_d.customer_id)
    for w in _changed_keys(old.capacity_units, after.capacity_units):
        depots.add(w)
        machines.update(m.machine_id for m in after.machines if m.warehouse_id == w)
    for key2 in (
        *_changed_keys(old.fleet_capacity, after.fleet_capacity),
        *_changed_keys(old.cold_capacity, after.cold_capacity),
    ):
        depots.add(key2[0])
    if old.vehicles != after.vehicles or old.offers != after.offers:
        was_v = {v.vehicle_id: v for v in old.vehicles}
        for v in after.vehicles:
            if was_v.get(v.vehicle_id) != v or old.offers.get(v.vehicle_id) != after.offers.get(
                v.vehicle_id
            ):
                depots.add(v.depot_id)
    for j, col in enumerate(cands.columns):
        if before.use.get(j) and pyo.value(model.col_ok[j]) < 0.5:
            depots.add(col.depot_id)
        if customers.intersection(col.stops):
            depots.add(col.depot_id)
    return Neighbourhood(
        frozenset(machines), frozenset(products), frozenset(customers), frozenset(depots)
    )


def _machine_changed(
    was: MachineData, now: MachineData, used: Mapping[tuple[str, int], float]
) -> bool:
    if was.capacity == now.capacity:
        return was != now
    if replace(was, capacity=now.capacity) != now:
        return True
    for t, (a, b) in enumerate(zip(was.capacity, now.capacity, strict=True)):
        if b > a + EPS or b < used.get((now.machine_id, t), 0.0) - EPS:
            return True
    return False


def _changed_keys(a: Mapping[Any, float], b: Mapping[Any, float]) -> Iterable[Any]:
    for key in a.keys() | b.keys():
        if abs(a.get(key, 0.0) - b.get(key, 0.0)) > EPS:
            yield key


def fix_all(
    model: pyo.ConcreteModel,
    before: Incumbent,
    hood: Neighbourhood,
    cands: RouteCandidates,
) -> tuple[list[Any], list[Any]]:
    """Fix every binary to the incumbent's value; returns those outside `hood`, then inside.

    With all fixed, the solve re-prices the plan in force on the new data (an
    LP); releasing the second list then gives the repair.
    """
    kept: list[Any] = []
    free: list[Any] = []
    for (m, p, _), var in model.setup.items():
        (free if m in hood.machines or p in hood.products else kept).append(var)
    for (m, _), var in model.maint.items():
        (free if m in hood.machines else kept).append(var)
    for j, var in model.use.items():
        if j not in cands.fixed:
            (free if cands.columns[j].depot_id in hood.depots else kept).append(var)
    decided = {
        **{id(model.setup[k]): v for k, v in before.setup.items()},
        **{id(model.maint[k]): v for k, v in before.maint.items()},
        **{id(model.use[j]): v for j, v in before.use.items()},
    }
    for var in (*kept, *free):
        var.fix(decided[id(var)])
    return kept, free


def rounded(
    model: pyo.ConcreteModel,
    free: Sequence[Any],
    cands: RouteCandidates,
    value: Callable[[Any], float],
) -> dict[int, int]:
    """Round an LP relaxation of the free binaries up to a plan the model accepts.

    `value` gives each variable's value in the relaxation (the kept binaries
    are fixed there). The rules are `round_up`'s; the crews' vehicles are
    what the kept routes leave. Returns 0/1 by `id` of each free variable.
    """
    ids = {id(v) for v in free}
    left = {k: pyo.value(model.crew_size[k]) for k in model.crew_size}
    for j, var in model.use.items():
        if id(var) not in ids:
            left[cands.columns[j].crew] -= round(pyo.value(var))
    chosen = round_up(
        {k: value(v) for k, v in model.setup.items() if id(v) in ids},
        {k: value(v) for k, v in model.maint.items() if id(v) in ids},
        {j: value(v) for j, v in model.use.items() if id(v) in ids},
        left,
        cands,
    )
    parts = {"setup": model.setup, "maint": model.maint, "use": model.use}
    return {id(parts[kind][k]): on for (kind, k), on in chosen.items()}


def round_up(
    setup: Mapping[RunKey, float],
    maint: Mapping[tuple[str, int], float],
    use: Mapping[int, float],
    vehicles: Mapping[int, float],
    cands: RouteCandidates,
) -> dict[tuple[str, Any], int]:
    """0/1 for each relaxed binary, keyed ("setup" | "maint" | "use", its index).

    A setup with any output in the relaxation is set up. A machine's due
    maintenance goes where the relaxation put most of it. Per crew, routes
    are taken by their relaxed value, highest first, while the crew has
    `vehicles` left. Both planning paths round with it: the Pyomo model
    (`rounded`) and the direct highspy reference (`benchmarks.direct`).
    """
    out: dict[tuple[str, Any], int] = {("setup", k): int(v > ROUND_UP) for k, v in setup.items()}
    due: dict[str, list[tuple[str, int]]] = {}
    for m, t in maint:
        due.setdefault(m, []).append((m, t))
    for choices in due.values():
        best = max(choices, key=lambda k: maint[k])
        out.update({("maint", k): int(k == best) for k in choices})
    left = dict(vehicles)
    for j, v in sorted(use.items(), key=lambda jv: (-jv[1], jv[0])):
        crew = cands.columns[j].crew
        take = v > ROUND_UP and left[crew] >= 1
        out["use", j] = int(take)
        left[crew] -= take
    return out
