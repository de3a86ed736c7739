"""A plan made on an aggregated snapshot, put back onto the member assets.

The inverse of `optimizer.aggregate`: every line that names a work centre,
a supplier pool or a zone is split over, or moved to, real assets, so that
`optimizer.dispatch.commands_for` can cut it into one command per member
asset and the agents can review it as any other plan.

- a centre's run: member i makes `q * r_i / sum(r)` in the centre's hours
  over the member count (exact for alike members, see `optimizer.aggregate`);
  a centre's maintenance goes to every member;
- a pool's purchase: over its members in proportion to what each can ship
  in the order's period, so none exceeds its quote;
- what a zone receives (a purchase, a transfer) goes to the zone's home
  warehouse; what leaves it by transfer, from its members in proportion to
  their stock of the product (the home when none has any);
- a route: its depot is the vehicle's own; a delivery on a route of that
  period is from the depot of the route's vehicle, any other from the
  zone's member nearest the customer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from optimizer.aggregate import Aggregation
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import Delivery, Plan, PurchaseOrder, Transfer

_T = TypeVar("_T")


def disaggregate(plan: Plan, key: Aggregation) -> Plan:
    """`plan` with every aggregate replaced by its member assets."""
    depots = {v.id: v.depot_id for v in key.network.vehicles}
    routes = [r.model_copy(update={"depot_id": depots[r.vehicle_id]}) for r in plan.routes]
    on_route = {
        (key.zone_of[depots[r.vehicle_id]], s.site_id, r.period): r.depot_id
        for r in routes
        for s in r.stops
    }
    notes = [
        *plan.notes,
        f"aggregated: {len(key.zones)} zones of {len(key.zone_of)} warehouses, "
        f"{len(key.centres)} work centres of {sum(map(len, key.centres.values()))} machines, "
        f"{len(key.pools)} supplier pools; split back onto the member assets",
    ]
    return plan.model_copy(
        update={
            "production": [x for r in plan.production for x in _runs(r, key)],
            "maintenance": [x for w in plan.maintenance for x in _upkeep(w, key)],
            "purchases": [x for po in plan.purchases for x in _orders(po, key)],
            "transfers": [x for t in plan.transfers for x in _moves(t, key)],
            "deliveries": [_delivery(d, key, on_route) for d in plan.deliveries],
            "routes": routes,
            "notes": notes,
            "how": None
            if plan.how is None
            else plan.how.model_copy(update={"aggregated_zones": len(key.zones)}),
        }
    )


def _runs(run: ProductionRun, key: Aggregation) -> list[ProductionRun]:
    members = key.centres.get(run.machine_id)
    if members is None:
        return [run]
    total = sum(key.rates[m][run.product_id] for m in members)
    return [
        run.model_copy(
            update={
                "machine_id": m,
                "quantity": _down(run.quantity * key.rates[m][run.product_id] / total),
                "hours": _down(run.hours / len(members)),
            }
        )
        for m in members
    ]


def _upkeep(window: MaintenanceWindow, key: Aggregation) -> list[MaintenanceWindow]:
    members = key.centres.get(window.machine_id, (window.machine_id,))
    return [window.model_copy(update={"machine_id": m}) for m in members]


def _orders(po: PurchaseOrder, key: Aggregation) -> list[PurchaseOrder]:
    destination = _home(po.destination_id, key)
    members = key.pools.get(po.supplier_id)
    if members is None:
        return [po.model_copy(update={"destination_id": destination})]
    limits = [(sid, first if po.order_period == 0 else later) for sid, first, later in members]
    return _split(
        po.quantity,
        limits,
        lambda k, sid, q: po.model_copy(
            update={
                "po_id": f"{po.po_id}-{k}",
                "supplier_id": sid,
                "destination_id": destination,
                "quantity": q,
            }
        ),
    )


def _moves(move: Transfer, key: Aggregation) -> list[Transfer]:
    destination = _home(move.destination_id, key)
    zone = key.by_zone.get(move.origin_id)
    if zone is None:
        return [move.model_copy(update={"destination_id": destination})]
    held = [(m, key.stock.get(m, {}).get(move.product_id, 0.0)) for m in zone.members]
    if sum(q for _, q in held) <= 0:
        held = [(zone.home, 1.0)]
    return _split(
        move.quantity,
        held,
        lambda k, origin, q: move.model_copy(
            update={
                "transfer_id": f"{move.transfer_id}-{k}",
                "origin_id": origin,
                "destination_id": destination,
                "quantity": q,
            }
        ),
    )


def _delivery(
    line: Delivery, key: Aggregation, on_route: dict[tuple[str, str, int], str]
) -> Delivery:
    routed = on_route.get((line.warehouse_id, line.customer_id, line.period))
    if routed is not None:
        return line.model_copy(update={"warehouse_id": routed})
    zone = key.by_zone.get(line.warehouse_id)
    if zone is None:
        return line
    where = key.sites[line.customer_id]
    nearest = min(zone.members, key=lambda m: (key.sites[m].km_to(where), m))
    return line.model_copy(update={"warehouse_id": nearest})


def _home(site_id: str, key: Aggregation) -> str:
    """A zone's home warehouse; any other site as it is."""
    zone = key.by_zone.get(site_id)
    return site_id if zone is None else zone.home


def _split(
    quantity: float, weights: Sequence[tuple[str, float]], make: Callable[[int, str, float], _T]
) -> list[_T]:
    """`quantity` over the weighted ids, in proportion, dropping the ids that get nothing."""
    total = sum(w for _, w in weights)
    out = []
    for k, (asset, w) in enumerate(weights):
        share = _down(quantity * w / total)
        if share > 0:
            out.append(make(k, asset, share))
    return out


def _down(x: float) -> float:
    """`x` rounded down to thousandths: shares rounded to nearest could add up past a
    member's capacity when several orders of a period split over it."""
    return math.floor(x * 1000 + 1e-6) / 1000
