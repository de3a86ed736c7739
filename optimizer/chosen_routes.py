"""Read the routes a solved model chose, and the trips under way it left alone.

Each running candidate route becomes a `Route` for one vehicle of its crew
(vehicles are handed out in crew order, most expensive route first, so the
mapping is reproducible), with the drops the model's ``carry`` decided and
the order ids of the deliveries it serves. A vehicle out on committed stops
gets a frozen route: the rest of its trip from where it is, shown in the plan
so the operations center sees the whole fleet, never dispatched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from optimizer.bottleneck import value
from optimizer.columns import RouteCandidates, crews_of, frozen_offers
from optimizer.data import PlanningData
from optimizer.decisions import Decisions
from optimizer.geometry import road_km, trip
from supplysync.plan import Delivery, Route, Stop

METHOD = "milp-columns"
FROZEN_BY_OPERATOR = "operator-frozen"
COMMITTED = "committed"
EPS = 1e-6


def read_routes(
    model: Decisions,
    data: PlanningData,
    cands: RouteCandidates,
    deliveries: Sequence[Delivery],
) -> list[Route]:
    """The running candidate routes, each on a vehicle of its crew.

    Each leaves at its crew's departure in `data`, not the one the candidates
    were built with: a model kept from a snapshot before the day's departure
    hour and updated after it would otherwise claim arrivals no vehicle can
    make (an update re-checks that a route still fits from the new departure,
    `optimizer.route_model.set_routes`, but keeps the build's timing).
    """
    departure = {c.key: c.departure for c in crews_of(data)}
    orders: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    for d in deliveries:
        if d.order_id is not None:
            orders[d.warehouse_id, d.customer_id, d.period].add(d.order_id)
    drops: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for j, c, p in model.carry:
        q = value(model.carry[j, c, p])
        if q > EPS:
            drops[j][c][p] = round(q, 3)
    running = sorted(
        (
            j
            for j in range(len(cands.columns))
            if value(model.use[j]) > 0.5 and (drops.get(j) or j in cands.fixed)
        ),
        key=lambda j: (cands.columns[j].crew, -cands.columns[j].cost, j),
    )
    handed: dict[int, int] = defaultdict(int)
    routes = []
    for j in running:
        col = cands.columns[j]
        crew = cands.crews[col.crew]
        vehicle = crew.vehicle_ids[handed[col.crew]]
        handed[col.crew] += 1
        kept = j in cands.fixed  # a frozen route keeps its stops, with or without drops
        stops_used = [c for c in col.stops if kept or drops[j].get(c)]
        leaves = departure.get(crew.key, crew.departure)
        tour = trip(
            data.location(col.depot_id),
            [data.customers[c] for c in stops_used],
            departure_hour=leaves,
            speed_kmh=crew.speed_kmh,
        )
        load: dict[str, float] = defaultdict(float)
        stops = []
        for k, c in enumerate(stops_used):
            for p, q in drops[j].get(c, {}).items():
                load[p] += q
            stops.append(
                Stop(
                    site_id=c,
                    arrive_h=round(tour.arrive[k], 3),
                    depart_h=round(tour.depart[k], 3),
                    drop=dict(sorted(drops[j].get(c, {}).items())),
                    order_ids=sorted(orders[col.depot_id, c, col.period]),
                )
            )
        routes.append(
            Route(
                vehicle_id=vehicle,
                period=col.period,
                depot_id=col.depot_id,
                stops=stops,
                load={p: round(q, 3) for p, q in sorted(load.items())},
                distance_km=round(tour.km, 2),
                departs_h=round(leaves, 3),
                duration_h=round(tour.back - leaves, 3),
                method=FROZEN_BY_OPERATOR if kept else METHOD,
            )
        )
    return routes


def frozen_routes(data: PlanningData) -> list[Route]:
    """The rest of each trip under way: from the vehicle's position through its committed stops."""
    speeds = {v.id: v.speed_kmh for v in data.network.vehicles}
    routes = []
    for offer in frozen_offers(data):
        known = [c for c in offer.committed_stops if c in data.customers]
        speed = speeds[offer.vehicle_id]
        tour = trip(
            offer.location,
            [data.customers[c] for c in known],
            departure_hour=data.now_hour,
            speed_kmh=speed,
        )
        last = data.customers[known[-1]].location if known else offer.location
        back_km = road_km(last, data.location(offer.depot_id))
        km = tour.km - road_km(last, offer.location) + back_km
        back = (tour.depart[-1] if known else data.now_hour) + back_km / speed
        routes.append(
            Route(
                vehicle_id=offer.vehicle_id,
                period=0,
                depot_id=offer.depot_id,
                stops=[
                    Stop(site_id=c, arrive_h=round(a, 3), depart_h=round(d, 3))
                    for c, a, d in zip(known, tour.arrive, tour.depart, strict=True)
                ],
                load={p: round(q, 3) for p, q in sorted(offer.load.items())},
                distance_km=round(km, 2),
                departs_h=round(data.now_hour, 3),
                duration_h=round(back - data.now_hour, 3),
                method=COMMITTED,
                frozen=True,
            )
        )
    return routes
