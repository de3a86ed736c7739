"""Delivery routes: one vehicle routing problem per warehouse and period.

The plan's deliveries of a depot and day become a small VRP with time
windows (`optimizer.vrp.depot`), solved by the routing engine
(`optimizer.vrp`, PyVRP's hybrid genetic search) with a budget of a few
hundredths of a second: each customer's cold-chain part and dry part are clients
at the customer's location, cold parts servable only by working reefers;
vehicles leave at the period's departure hour with what they can carry
that day, and must keep every window and be back within the driver's shift.

A VRP serves each client whole, but a customer may need more than one
truckload, and packing whole customers can strand room that a split would
fill. So a part larger than any eligible vehicle is cut into full loads and
a remainder, every client is optional with its shortage penalty as prize,
and what the engine leaves out is then inserted, split if need be, into
the routes with room where the cheapest feasible insertion keeps every
window and shift. Cold-chain goods a finished tour would bring later than
their hours out of storage are taken off it. What still does not fit is
returned, so the plan reports it as a shortage with reason "fleet".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from optimizer.data import PlanningData
from optimizer.fleet import VehicleData
from optimizer.geometry import cheapest_insertion, trip
from optimizer.vrp import solve_routes, validate
from optimizer.vrp.depot import Truck, Visit, depot_instance
from supplysync.network import Customer, Location
from supplysync.plan import Delivery, Route, Shortage, Stop

METHOD = "pyvrp-hgs"
EPS = 1e-6


@dataclass(frozen=True)
class Routing:
    """Routes, the deliveries they carry, and the deliveries no vehicle could take."""

    routes: list[Route]
    delivered: list[Delivery]
    unplaced: list[Delivery]


@dataclass
class _Part:
    """A customer's cold or dry deliveries, most valuable first, not yet loaded."""

    customer: Customer
    cold: bool
    queue: list[Delivery]

    @property
    def left(self) -> float:
        return sum(d.quantity for d in self.queue)


@dataclass
class _Tour:
    """A vehicle's day being built: stops in visiting order and what it carries."""

    vehicle: VehicleData
    room: float
    departure: float
    stops: list[Customer] = field(default_factory=list)
    cargo: list[Delivery] = field(default_factory=list)

    def takes(self, part: _Part) -> bool:
        return self.room > EPS and (self.vehicle.cold_ok or not part.cold)

    def load(self, part: _Part, quantity: float) -> None:
        """Move up to `quantity` of the part's deliveries into the cargo."""
        quantity = min(quantity, self.room)
        while part.queue and quantity > EPS:
            d = part.queue.pop(0)
            take = min(d.quantity, quantity)
            self.cargo.append(d.model_copy(update={"quantity": take}))
            self.room, quantity = self.room - take, quantity - take
            if d.quantity - take > EPS:
                part.queue.insert(0, d.model_copy(update={"quantity": d.quantity - take}))


def route_deliveries(data: PlanningData, deliveries: Sequence[Delivery]) -> Routing:
    """Route every warehouse's deliveries, period by period; a delivery of nothing is no visit."""
    by_depot: dict[tuple[str, int], list[Delivery]] = defaultdict(list)
    for d in deliveries:
        if d.quantity > EPS:
            by_depot[d.warehouse_id, d.period].append(d)
    routes: list[Route] = []
    delivered: list[Delivery] = []
    unplaced: list[Delivery] = []
    for (w, t), ds in sorted(by_depot.items()):
        depot = data.location(w)
        tours = [
            _Tour(v, v.capacity(t), data.departure(t))
            for v in data.vehicles
            if v.depot_id == w and v.capacity(t) > EPS
        ]
        parts = _parts(data, ds)
        if tours:
            _solve(data, depot, tours, parts)
            for part in parts:
                _insert(depot, tours, part)
        for tour in tours:
            unplaced.extend(_expel_late_cold(data, depot, tour))
            if tour.stops:
                routes.append(_route(depot, w, t, tour))
                delivered.extend(tour.cargo)
        unplaced.extend(d for part in parts for d in part.queue)
    return Routing(routes, merge(delivered), merge(unplaced))


def _expel_late_cold(data: PlanningData, depot: Location, tour: _Tour) -> list[Delivery]:
    """Unload cold-chain goods from stops reached after their hours out of storage.

    The engine does not model that limit, so it is applied to the finished
    tour; a stop left with nothing to drop is dropped, which only makes the
    later stops earlier. Returns what was unloaded.
    """
    limits = {
        p.id: p.max_hours_out_of_storage
        for p in data.network.products
        if p.id in data.cold and p.max_hours_out_of_storage is not None
    }
    if not limits:
        return []
    timing = trip(
        depot, tour.stops, departure_hour=tour.departure, speed_kmh=tour.vehicle.speed_kmh
    )
    hours_out = {c.id: a - tour.departure for c, a in zip(tour.stops, timing.arrive, strict=True)}
    late = [
        d
        for d in tour.cargo
        if d.product_id in limits and hours_out[d.customer_id] > limits[d.product_id] + EPS
    ]
    if late:
        tour.cargo = [d for d in tour.cargo if all(d is not x for x in late)]
        kept = {d.customer_id for d in tour.cargo}
        tour.stops = [c for c in tour.stops if c.id in kept]
    return late


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


def _value(data: PlanningData, d: Delivery) -> float:
    """The objective's price per unit short (`PlanningData.unit_penalty`)."""
    return data.unit_penalty(d.product_id, d.order_id, d.period)


def _parts(data: PlanningData, ds: list[Delivery]) -> list[_Part]:
    """Each customer's cold and dry parts; cold first, then largest first."""
    groups: dict[tuple[bool, str], list[Delivery]] = defaultdict(list)
    for d in ds:
        groups[d.product_id in data.cold, d.customer_id].append(d)
    order = sorted(groups, key=lambda k: (not k[0], -sum(d.quantity for d in groups[k]), k[1]))
    return [
        _Part(
            data.customers[c],
            cold,
            sorted(
                groups[cold, c], key=lambda d: (-_value(data, d), d.product_id, d.order_id or "")
            ),
        )
        for cold, c in order
    ]


def _solve(data: PlanningData, depot: Location, tours: list[_Tour], parts: list[_Part]) -> None:
    """Let the engine route the parts as whole loads; load what it serves."""
    visits: list[tuple[_Part, Visit]] = []
    for part in parts:
        room = max((tr.room for tr in tours if tr.takes(part)), default=0.0)
        visits += _pieces(data, part, room) if room > EPS else []
    if not visits:
        return
    trucks = [
        Truck(
            tr.vehicle,
            tr.room,
            tr.departure,
            data.network.vehicle(tr.vehicle.vehicle_id).cost_per_km,
        )
        for tr in tours
    ]
    instance = depot_instance(depot, [v for _, v in visits], trucks)
    result = solve_routes(
        instance,
        time_limit_s=data.solver.routing_seconds(len(visits)),
        no_improvement=data.solver.routing_no_improvement,
    )
    for route, k in zip(result.routes, result.vehicle_classes, strict=True):
        if validate(instance, [route], [k]):
            continue  # never trust a route the independent check rejects
        tour = tours[k]
        for node in route:
            part, visit = visits[node - 1]
            if part.customer not in tour.stops:
                tour.stops.append(part.customer)  # a later visit to it would only add time
            tour.load(part, visit.quantity)


def _pieces(data: PlanningData, part: _Part, room: float) -> list[tuple[_Part, Visit]]:
    """Cut a part into full loads of `room` and a remainder, valued at the part's mean."""
    total = part.left
    unit = sum(d.quantity * _value(data, d) for d in part.queue) / total
    sizes = [room] * int((total + EPS) // room)
    if total - sum(sizes) > EPS:
        sizes.append(total - sum(sizes))
    return [(part, Visit(part.customer, q, part.cold, q * unit)) for q in sizes]


def _insert(depot: Location, tours: list[_Tour], part: _Part) -> None:
    """Fill what the engine left of a part into routes with room, split if need be."""
    while part.left > EPS:
        options = []
        for i, tour in enumerate(tours):
            if not tour.takes(part):
                continue
            if part.customer in tour.stops:
                options.append((0.0, -tour.room, i, -1))
                continue
            v = tour.vehicle
            best = cheapest_insertion(
                depot,
                tour.stops,
                part.customer,
                departure_hour=tour.departure,
                speed_kmh=v.speed_kmh,
                shift_hours=v.shift_hours,
            )
            if best is not None:
                options.append((best[0], -tour.room, i, best[1]))
        if not options:
            return
        _, _, i, pos = min(options)
        if pos >= 0:
            tours[i].stops.insert(pos, part.customer)
        tours[i].load(part, part.left)


def _route(depot: Location, w: str, t: int, tour: _Tour) -> Route:
    timing = trip(
        depot, tour.stops, departure_hour=tour.departure, speed_kmh=tour.vehicle.speed_kmh
    )
    stops = []
    for k, c in enumerate(tour.stops):
        mine = [d for d in tour.cargo if d.customer_id == c.id]
        drop: dict[str, float] = defaultdict(float)
        for d in mine:
            drop[d.product_id] += d.quantity
        stops.append(
            Stop(
                site_id=c.id,
                arrive_h=round(timing.arrive[k], 3),
                depart_h=round(timing.depart[k], 3),
                drop={p: round(q, 3) for p, q in sorted(drop.items())},
                order_ids=sorted({d.order_id for d in mine if d.order_id is not None}),
            )
        )
    load: dict[str, float] = defaultdict(float)
    for d in tour.cargo:
        load[d.product_id] += d.quantity
    return Route(
        vehicle_id=tour.vehicle.vehicle_id,
        period=t,
        depot_id=w,
        stops=stops,
        load={p: round(q, 3) for p, q in sorted(load.items())},
        distance_km=round(timing.km, 2),
        departs_h=round(tour.departure, 3),
        duration_h=round(timing.back - tour.departure, 3),
        method=METHOD,
    )


def fleet_shortages(data: PlanningData, unplaced: Sequence[Delivery]) -> list[Shortage]:
    """Deliveries no vehicle could take, as shortages binding on the depot's vehicles."""
    return [
        Shortage(
            customer_id=d.customer_id,
            product_id=d.product_id,
            period=d.period,
            quantity=round(d.quantity, 3),
            penalty=round(data.unit_loss(d.product_id, d.order_id) * d.quantity, 2),
            reason="fleet",
            binding=[v.vehicle_id for v in data.vehicles if v.depot_id == d.warehouse_id],
        )
        for d in unplaced
        if round(d.quantity, 3) > 0
    ]
