"""Route heuristic: pack each depot's deliveries onto its vehicles and sequence the stops.

Named for what it is, until a routing model replaces it: per warehouse and
period, customers' cold-chain parts go first onto working reefers, then the
rest onto any vehicle, largest first. A part goes to a vehicle that already
visits the customer, else one already on the road that takes it whole, else
a fresh vehicle (box trucks before reefers for dry goods); a customer is
split across vehicles only when none takes it whole. A stop joins a vehicle
only if the tour, sequenced by nearest neighbour and improved by 2-opt,
still keeps every customer window and fits the driver's shift. What cannot
be placed is returned, so the plan can report it as a shortage with reason
"fleet".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from optimizer.data import PlanningData
from optimizer.fleet import VehicleData
from optimizer.geometry import fits_shift, road_km, trip
from supplysync.network import Customer, Location
from supplysync.plan import Delivery, Route, Shortage, Stop

METHOD = "nearest-neighbour+2opt"
EPS = 1e-6


@dataclass(frozen=True)
class Routing:
    """Routes, the deliveries they carry, and the deliveries no vehicle could take."""

    routes: list[Route]
    delivered: list[Delivery]
    unplaced: list[Delivery]


@dataclass
class _Load:
    vehicle: VehicleData
    room: float
    departure: float
    stops: list[Customer] = field(default_factory=list)
    cargo: list[Delivery] = field(default_factory=list)


def route_deliveries(data: PlanningData, deliveries: Sequence[Delivery]) -> Routing:
    """Pack and sequence every warehouse's deliveries, period by period."""
    by_depot: dict[tuple[str, int], list[Delivery]] = defaultdict(list)
    for d in deliveries:
        by_depot[d.warehouse_id, d.period].append(d)
    routes: list[Route] = []
    delivered: list[Delivery] = []
    unplaced: list[Delivery] = []
    for (w, t), ds in sorted(by_depot.items()):
        loads = [
            _Load(v, v.capacity(t), data.departure(t)) for v in data.vehicles if v.depot_id == w
        ]
        loads = [ld for ld in loads if ld.room > EPS]
        depot = data.location(w)
        for cold, group in _groups(data, ds):
            left = _pack(data, depot, loads, cold, group)
            unplaced.extend(left)
        for ld in loads:
            if ld.stops:
                routes.append(_route(depot, w, t, ld))
                delivered.extend(ld.cargo)
    return Routing(routes, merge(delivered), merge(unplaced))


def merge(deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Sum delivery records that name the same warehouse, customer, product, period and order."""
    total: dict[tuple[str, str, str, int, str], float] = defaultdict(float)
    first: dict[tuple[str, str, str, int, str], Delivery] = {}
    for d in deliveries:
        key = (d.warehouse_id, d.customer_id, d.product_id, d.period, d.order_id or "")
        total[key] += d.quantity
        first.setdefault(key, d)
    return [
        first[k].model_copy(update={"quantity": round(q, 3)})
        for k, q in sorted(total.items())
        if round(q, 3) > 0
    ]


def _groups(data: PlanningData, ds: list[Delivery]) -> list[tuple[bool, list[Delivery]]]:
    """Each customer's cold and dry parts; cold first, then largest first."""
    parts: dict[tuple[bool, str], list[Delivery]] = defaultdict(list)
    for d in ds:
        parts[d.product_id in data.cold, d.customer_id].append(d)
    order = sorted(parts, key=lambda k: (not k[0], -sum(d.quantity for d in parts[k]), k[1]))
    return [(k[0], parts[k]) for k in order]


def _pack(
    data: PlanningData, depot: Location, loads: list[_Load], cold: bool, group: list[Delivery]
) -> list[Delivery]:
    """Load a customer's part onto vehicles; returns what did not fit."""
    customer = data.customers[group[0].customer_id]
    fits = [ld for ld in loads if (ld.vehicle.cold_ok or not cold) and ld.room > EPS]
    total = sum(d.quantity for d in group)
    fits.sort(
        key=lambda ld: (
            customer not in ld.stops,
            ld.room < total - EPS,
            not ld.stops,
            ld.vehicle.cold_ok and not cold,
            -ld.room,
            ld.vehicle.vehicle_id,
        )
    )
    queue = list(group)
    for ld in fits:
        if not queue:
            break
        if customer not in ld.stops:
            if not _feasible(depot, ld, [*ld.stops, customer]):
                continue
            ld.stops.append(customer)
        while queue and ld.room > EPS:
            d = queue.pop(0)
            take = min(d.quantity, ld.room)
            ld.cargo.append(d.model_copy(update={"quantity": take}))
            ld.room -= take
            if d.quantity - take > EPS:
                queue.insert(0, d.model_copy(update={"quantity": d.quantity - take}))
    return queue


def _feasible(depot: Location, ld: _Load, stops: list[Customer]) -> bool:
    v = ld.vehicle
    t = trip(depot, sequence(depot, stops), departure_hour=ld.departure, speed_kmh=v.speed_kmh)
    return fits_shift(t, departure_hour=ld.departure, shift_hours=v.shift_hours)


def sequence(depot: Location, stops: Sequence[Customer]) -> list[Customer]:
    """Order stops by nearest neighbour from the depot, then improve by 2-opt."""
    left = sorted(stops, key=lambda c: c.id)
    tour: list[Customer] = []
    here = depot
    while left:
        nxt = min(left, key=lambda c: (road_km(here, c.location), c.id))
        left.remove(nxt)
        tour.append(nxt)
        here = nxt.location
    return _two_opt(depot, tour)


def _two_opt(depot: Location, tour: list[Customer]) -> list[Customer]:
    pts = [depot, *(c.location for c in tour), depot]
    n = len(tour)
    improved = True
    while improved:
        improved = False
        for i in range(1, n):
            for j in range(i + 1, n + 1):
                a, b, c, d = pts[i - 1], pts[i], pts[j], pts[j + 1]
                delta = road_km(a, c) + road_km(b, d) - road_km(a, b) - road_km(c, d)
                if delta < -1e-9:
                    pts[i : j + 1] = reversed(pts[i : j + 1])
                    tour[i - 1 : j] = reversed(tour[i - 1 : j])
                    improved = True
    return tour


def _route(depot: Location, w: str, t: int, ld: _Load) -> Route:
    tour = sequence(depot, ld.stops)
    timing = trip(depot, tour, departure_hour=ld.departure, speed_kmh=ld.vehicle.speed_kmh)
    stops = []
    for k, c in enumerate(tour):
        mine = [d for d in ld.cargo if d.customer_id == c.id]
        drop: dict[str, float] = defaultdict(float)
        for d in mine:
            drop[d.product_id] += d.quantity
        orders = sorted({d.order_id for d in mine if d.order_id is not None})
        stops.append(
            Stop(
                site_id=c.id,
                arrive_h=round(timing.arrive[k], 3),
                depart_h=round(timing.depart[k], 3),
                drop={p: round(q, 3) for p, q in sorted(drop.items())},
                order_ids=orders,
            )
        )
    load: dict[str, float] = defaultdict(float)
    for d in ld.cargo:
        load[d.product_id] += d.quantity
    return Route(
        vehicle_id=ld.vehicle.vehicle_id,
        period=t,
        depot_id=w,
        stops=stops,
        load={p: round(q, 3) for p, q in sorted(load.items())},
        distance_km=round(timing.km, 2),
        duration_h=round(timing.back - ld.departure, 3),
        method=METHOD,
    )


def fleet_shortages(data: PlanningData, unplaced: Sequence[Delivery]) -> list[Shortage]:
    """Deliveries no vehicle could take, as shortages binding on the depot's vehicles."""
    weight = data.costs.forecast_weight
    out = []
    for d in unplaced:
        if round(d.quantity, 3) <= 0:
            continue
        unit = data.penalty[d.product_id] * (1.0 if d.order_id is not None else weight)
        out.append(
            Shortage(
                customer_id=d.customer_id,
                product_id=d.product_id,
                period=d.period,
                quantity=round(d.quantity, 3),
                penalty=round(unit * d.quantity, 2),
                reason="fleet",
                binding=[v.vehicle_id for v in data.vehicles if v.depot_id == d.warehouse_id],
            )
        )
    return out
