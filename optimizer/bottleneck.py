"""Why demand goes unserved: the limits a solution uses up.

A shortage is only useful to an operator with its cause. After a solve we
measure each limited resource's slack (machine hours, quote quantities,
warehouse space, fleet and reefer capacity) and name the assets whose limit
is exhausted where they could have helped the short customer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optimizer.data import PlanningData
from optimizer.decisions import Decisions


def value(var: Any) -> float:
    """A variable's value, 0 when the solver left it unset."""
    v = var.value
    return 0.0 if v is None else float(v)


def _full(used: float, limit: float) -> bool:
    return used >= limit - max(1e-4, 1e-6 * abs(limit))


@dataclass(frozen=True)
class Usage:
    """Resource use in a solution, next to each limit (both per period)."""

    machine_hours: Mapping[tuple[str, int], float]
    quote_units: Mapping[tuple[int, int], float]
    space: Mapping[tuple[str, int], float]
    fleet: Mapping[tuple[str, int], float]
    cold_fleet: Mapping[tuple[str, int], float]

    @classmethod
    def of(cls, model: Decisions, data: PlanningData) -> Usage:
        """Measure a solved model built by the production and replenishment builders."""
        machines = {m.machine_id: m for m in data.machines}
        hours: dict[tuple[str, int], float] = defaultdict(float)
        for m, p, t in model.make:
            q, mach = value(model.make[m, p, t]), machines[m]
            hours[m, t] += q / mach.rates[p] + mach.setup(p, t) * value(model.setup[m, p, t])
        for m, t in model.maint:
            hours[m, t] += machines[m].maintenance_hours * value(model.maint[m, t])
        quotes: dict[tuple[int, int], float] = defaultdict(float)
        for i, w, t in model.buy:
            quotes[i, t] += value(model.buy[i, w, t])
        space: dict[tuple[str, int], float] = defaultdict(float)
        for w, p, t in model.stock:
            space[w, t] += value(model.stock[w, p, t])
        fleet: dict[tuple[str, int], float] = defaultdict(float)
        cold: dict[tuple[str, int], float] = defaultdict(float)
        for w, c, p, t in model.ship:
            fleet[w, t] += value(model.ship[w, c, p, t])
            if p in data.cold:
                cold[w, t] += value(model.ship[w, c, p, t])
        return cls(dict(hours), dict(quotes), dict(space), dict(fleet), dict(cold))


def explain(
    usage: Usage, data: PlanningData, customer: str, product: str, period: int
) -> tuple[str, list[str]]:
    """The reason a customer is short of a product in a period, and the binding asset ids."""
    reasons: list[str] = []
    binding: list[str] = []

    def add(reason: str, assets: list[str]) -> None:
        if assets:
            reasons.append(reason)
            binding.extend(a for a in assets if a not in binding)

    # Goods ship from the stock a period starts with (`optimizer.replenishment`,
    # ``ready``): output of period t serves t + 1 on, an order placed in t
    # with lead L serves t + L + 1 on. A limit only binds where it could
    # still have helped.
    early = range(period + 1)
    add(
        "production capacity",
        [
            m.machine_id
            for m in data.machines
            if product in m.rates
            and any(
                _full(usage.machine_hours.get((m.machine_id, t), 0.0), m.capacity[t])
                for t in range(period)
            )
        ],
    )
    add(
        "supplier quote limit",
        [
            o.supplier_id
            for i, o in enumerate(data.purchases)
            if o.product_id == product
            and any(
                _full(usage.quote_units.get((i, t), 0.0), o.limit(t))
                for t in range(period - o.lead)
            )
        ],
    )
    cold = product in data.cold
    reach = data.serving.get(customer, ())
    cold_reach = [w for w in reach if (w, customer) in data.cold_arcs]
    add(
        "warehouse capacity",
        [
            w
            for w in reach
            if any(_full(usage.space.get((w, t), 0.0), data.capacity_units[w]) for t in early)
        ],
    )
    add("fleet", _vehicles_at(data, [w for w in reach if _fleet_full(usage, data, w, period)]))
    if cold:
        full = [
            w
            for w in cold_reach
            if _full(
                usage.cold_fleet.get((w, period), 0.0), data.cold_capacity.get((w, period), 0.0)
            )
        ]
        if reach and len(full) == len(cold_reach):
            failed = [
                v.vehicle_id
                for v in data.vehicles
                if v.depot_id in reach and v.refrigerated and not v.cold_ok
            ]
            assets = failed + _vehicles_at(data, full, cold_only=True)
            reasons.append("no refrigerated capacity")
            binding.extend(a for a in assets if a not in binding)
    if not reach:
        reasons.append("no warehouse within a shift's reach")
    if not reasons:
        reasons.append("no stock within reach in time (lead times)")
    return "; ".join(reasons), binding


def _fleet_full(usage: Usage, data: PlanningData, w: str, t: int) -> bool:
    return _full(usage.fleet.get((w, t), 0.0), data.fleet_capacity.get((w, t), 0.0))


def _vehicles_at(data: PlanningData, depots: list[str], *, cold_only: bool = False) -> list[str]:
    return [
        v.vehicle_id for v in data.vehicles if v.depot_id in depots and (v.cold_ok or not cold_only)
    ]
