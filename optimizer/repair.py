"""Repair re-solve: after a small event, re-decide only what the event touched.

On the M benchmark network HiGHS needs seconds of root cut rounds before its
sub-MIP heuristics find a good plan, so a full re-solve after one event
cannot answer within a second. But one event touches a few machines,
products or depots; the rest of the plan in force is still as good as it
was. A repair keeps every on/off decision of the plan in force (which runs
are set up, when due maintenance is done, which routes run) except those
the event touched, and re-decides those with LPs (`redecide`): every
quantity (production, purchases, transfers, deliveries, loads,
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

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pyomo.environ as pyo

from optimizer.columns import RouteCandidates
from optimizer.data import MachineData, PlanningData
from optimizer.decisions import Decisions
from optimizer.rounding import RunKey, round_and_price
from optimizer.session import LpSolution, Session, SolveResult
from supplysync.plan import PlanStatus

EPS = 1e-6
"""Changes and values below this are nothing."""


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


def incumbent_of(model: Decisions, data: PlanningData) -> Incumbent:
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
    before: Incumbent, after: PlanningData, cands: RouteCandidates, model: Decisions
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


def split(
    model: Decisions,
    before: Incumbent,
    hood: Neighbourhood,
    cands: RouteCandidates,
) -> tuple[list[Any], list[Any], dict[int, int]]:
    """Every binary outside `hood`, those inside, and the incumbent's value of each by `id`.

    With all fixed at those values, an LP re-prices the plan in force on the
    new data; releasing the second list then gives the repair. Routes an
    operator froze are in neither: the model's own rows keep them running.
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
    return kept, free, decided


@dataclass(frozen=True)
class Redecided:
    """What a repair's LPs gave.

    Attributes:
        outcome: the plan, its solution loaded into the model, with its gap
            to the relaxation of the touched decisions; None when no LP was
            optimal.
        basis: the last optimal LP's basis (the one passed in when there
            was none), to start the next LP.
        free: on/off decisions re-decided.
        kept: on/off decisions kept as the plan in force has them.
    """

    outcome: SolveResult | None
    basis: Any
    free: int
    kept: int


def redecide(
    session: Session,
    model: Decisions,
    before: Incumbent,
    hood: Neighbourhood,
    cands: RouteCandidates,
    *,
    basis: Any | None,
    deadline: float,
) -> Redecided:
    """Re-decide the binaries in `hood` with LPs on the session, keeping the rest as `before`.

    Two LPs, each hot-started from the last basis (`Session.lp`): the
    touched binaries relaxed (every other one fixed as the plan in force
    has it), which bounds what re-deciding them could gain; and that
    relaxation rounded up (`optimizer.rounding.round_and_price`) and
    re-priced. Only when there is nothing to re-decide, or the rounding has
    no plan, is the plan in force itself re-priced. A MIP over the touched
    binaries would often do better but costs seconds on large networks
    (presolve and a cold root LP), more than a repair is for. Every binary
    is free again afterwards.
    """
    kept, free, in_force = split(model, before, hood, cands)
    every = [*kept, *free]
    session.fix((var, in_force[id(var)]) for var in every)
    best: LpSolution | None = None
    bound: float | None = None
    took = 0.0
    rounded = False
    try:
        if free:
            session.free(free)
            relaxed = session.lp(every, deadline - time.perf_counter(), basis)
            if relaxed is not None:
                basis, bound, took = relaxed.basis, relaxed.objective, relaxed.seconds
                left = deadline - time.perf_counter()
                best = round_and_price(
                    session, model, free, every, cands=cands, relaxed=relaxed, seconds=left
                )
                rounded = best is not None
        if best is None:
            session.fix((var, in_force[id(var)]) for var in free)
            best = session.lp(every, deadline - time.perf_counter(), basis)
        if best is None:
            return Redecided(None, basis, len(free), len(kept))
        basis, took = best.basis, took + best.seconds
        bound = best.objective if bound is None else bound
        session.load(best)
    finally:
        session.free(every)
    gap = max(best.objective - bound, 0.0) / max(abs(best.objective), 1e-9)
    outcome = SolveResult(
        PlanStatus.OPTIMAL,
        True,
        best.objective,
        gap,
        took,
        "repaired",
        bound=bound,
        rounded=rounded,
    )
    return Redecided(outcome, basis, len(free), len(kept))
