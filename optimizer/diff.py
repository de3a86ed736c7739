"""What a new plan changes relative to the one before.

Plans of a rolling horizon start on different days, so decisions are
compared on the absolute start time of their period, and only where both
windows overlap: the old plan's past is history and the new plan's added
days are news; neither is a change. Besides totals per kind of decision,
the diff says how many units moved at each asset (machine, supplier, both
warehouses of a transfer, the delivering warehouse) and carries the causes of
the new plan, so an operator reads what changed where, and why, in one record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime

from supplysync.plan import Plan, PlanDiff

Inside = Callable[[datetime], bool]
Keyed = list[tuple[tuple[Hashable, ...], float]]


def diff_plans(previous: Plan | None, new: Plan) -> PlanDiff:
    """Units moved per kind of decision, and the assets whose commands changed."""
    if previous is None:
        inside: Inside = _always
        empty: list[object] = []
        old = new.model_copy(
            update={
                k: empty
                for k in (
                    "production",
                    "maintenance",
                    "purchases",
                    "transfers",
                    "deliveries",
                    "routes",
                )
            }
        )
    else:
        old = previous
        lo = max(previous.window.start, new.window.start)
        hi = min(previous.window.end, new.window.end)

        def inside(ts: datetime) -> bool:
            return lo <= ts < hi

    kinds = {kind: (read(old, inside), read(new, inside)) for kind, read in _KINDS.items()}
    units: dict[str, float] = defaultdict(float)
    for kind, (was, now) in kinds.items():
        for key, q in _delta(was, now).items():
            for pos in _ASSETS[kind]:
                units[str(key[pos])] += abs(q)
    old_work, new_work = _work(old, inside), _work(new, inside)
    return PlanDiff(
        previous_plan_id=None if previous is None else previous.plan_id,
        production_moved=_moved(*kinds["production"]),
        purchases_changed=_moved(*kinds["purchases"]),
        transfers_changed=_moved(*kinds["transfers"]),
        deliveries_changed=_moved(*kinds["deliveries"]),
        assets_changed=sorted(
            a for a in {*old_work, *new_work} if old_work.get(a) != new_work.get(a)
        ),
        units_by_asset={a: round(q, 3) for a, q in sorted(units.items()) if round(q, 3) > 0},
        causes=list(new.causes),
    )


def _always(_: datetime) -> bool:
    return True


def _delta(old: Keyed, new: Keyed) -> dict[tuple[Hashable, ...], float]:
    """New minus old quantity per key of either plan."""
    total: dict[tuple[Hashable, ...], float] = defaultdict(float)
    for key, q in old:
        total[key] -= q
    for key, q in new:
        total[key] += q
    return total


def _moved(old: Keyed, new: Keyed) -> float:
    """Sum of absolute quantity differences over the keys of either plan."""
    return round(sum(abs(q) for q in _delta(old, new).values()), 3)


def _production(plan: Plan, inside: Inside) -> Keyed:
    at = plan.window.period_start
    return [
        ((r.machine_id, r.product_id, at(r.period)), r.quantity)
        for r in plan.production
        if inside(at(r.period))
    ]


def _purchases(plan: Plan, inside: Inside) -> Keyed:
    at = plan.window.period_start
    return [
        ((p.supplier_id, p.product_id, p.destination_id, at(p.order_period)), p.quantity)
        for p in plan.purchases
        if inside(at(p.order_period))
    ]


def _transfers(plan: Plan, inside: Inside) -> Keyed:
    at = plan.window.period_start
    return [
        ((t.origin_id, t.destination_id, t.product_id, at(t.ship_period)), t.quantity)
        for t in plan.transfers
        if inside(at(t.ship_period))
    ]


def _deliveries(plan: Plan, inside: Inside) -> Keyed:
    at = plan.window.period_start
    return [
        ((d.warehouse_id, d.customer_id, d.product_id, d.order_id, at(d.period)), d.quantity)
        for d in plan.deliveries
        if inside(at(d.period))
    ]


def _work(plan: Plan, inside: Inside) -> dict[str, frozenset[tuple[Hashable, ...]]]:
    """Each asset's share of the plan on absolute times, as a comparable set."""
    at = plan.window.period_start
    work: dict[str, set[tuple[Hashable, ...]]] = defaultdict(set)
    for r in plan.production:
        if inside(at(r.period)):
            work[r.machine_id].add(("run", r.product_id, at(r.period), round(r.quantity, 3)))
    for m in plan.maintenance:
        if inside(at(m.period)):
            work[m.machine_id].add(("maintain", at(m.period), m.hours))
    for p in plan.purchases:
        if inside(at(p.order_period)):
            order = (p.product_id, p.destination_id, at(p.order_period), round(p.quantity, 3))
            work[p.supplier_id].add(order)
    for t in plan.transfers:
        if inside(at(t.ship_period)):
            key = (t.origin_id, t.destination_id, t.product_id, at(t.ship_period))
            for site in (t.origin_id, t.destination_id):
                work[site].add((*key, round(t.quantity, 3)))
    for route in plan.routes:
        if inside(at(route.period)):
            stops = tuple((s.site_id, tuple(sorted(s.drop.items()))) for s in route.stops)
            work[route.vehicle_id].add((at(route.period), stops))
    return {asset: frozenset(keys) for asset, keys in work.items()}


_KINDS: dict[str, Callable[[Plan, Inside], Keyed]] = {
    "production": _production,
    "purchases": _purchases,
    "transfers": _transfers,
    "deliveries": _deliveries,
}
_ASSETS = {"production": (0,), "purchases": (0,), "transfers": (0, 1), "deliveries": (0,)}
"""Which key positions name the assets whose work a change touches."""
