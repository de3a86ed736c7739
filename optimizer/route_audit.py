"""An independent check of a plan's routes against the snapshot they were planned from.

Written from the rules an operations team states, not from the model: it
redrives every route on its own clock (great-circle distance times the road
factor, the vehicle's speed, waiting for windows, service times) and checks
what a dispatcher would: the vehicle exists and is based where the route
starts; it drives at most one new route a day; its load fits the room it
has; every stop is reached inside its window and the vehicle is back within
the driver's shift; cold-chain goods ride only on a working reefer and reach
their stop within the product's hours out of storage; drops add up to the
load and to the plan's deliveries of that day; a vehicle out on committed
stops keeps them, in order, as a frozen route. The tests run it on every
plan they make (`tests/conftest.py`), so a model or mapping bug surfaces as
a named violation rather than as a good-looking KPI.
"""

from __future__ import annotations

from collections import defaultdict

from supplysync.costs import ROAD_FACTOR
from supplysync.network import Location
from supplysync.offers import NetworkSnapshot, VehicleOffer
from supplysync.plan import Plan, Route
from supplysync.scenario import PlanningSettings

TOL_UNITS = 1e-2
TOL_HOURS = 1e-3


def audit_routes(plan: Plan, snapshot: NetworkSnapshot, settings: PlanningSettings) -> list[str]:
    """Every rule a plan's routes break, one line each; an empty list means none."""
    net = snapshot.network
    vehicles = {v.id: v for v in net.vehicles}
    offers = {o.vehicle_id: o for o in snapshot.vehicles}
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for r in plan.routes:
        where = f"route {r.vehicle_id}/{r.period}"
        spec = vehicles.get(r.vehicle_id)
        if spec is None:
            problems.append(f"{where}: unknown vehicle")
            continue
        if r.depot_id != spec.depot_id:
            problems.append(f"{where}: starts at {r.depot_id}, vehicle is based at {spec.depot_id}")
        if not r.frozen:
            if (r.vehicle_id, r.period) in seen:
                problems.append(f"{where}: a second route the same day")
            seen.add((r.vehicle_id, r.period))
        problems += _load(where, r, snapshot, offers.get(r.vehicle_id))
        if not r.frozen:
            problems += _timing(where, r, snapshot, settings)
    problems += _committed(plan, offers)
    problems += _deliveries(plan, settings)
    return problems


def _km(a: Location, b: Location) -> float:
    return a.km_to(b) * ROAD_FACTOR


def _load(where: str, r: Route, snap: NetworkSnapshot, offer: VehicleOffer | None) -> list[str]:
    net = snap.network
    spec = net.vehicle(r.vehicle_id)
    cold = {p.id for p in net.products if p.cold_chain}
    out = []
    if not r.frozen:
        room = spec.capacity_units
        if r.period == 0 and offer is not None:
            room = offer.capacity_units - sum(offer.load.values())
        if sum(r.load.values()) > room + TOL_UNITS:
            out.append(f"{where}: load {sum(r.load.values()):g} over room {room:g}")
        dropped: dict[str, float] = defaultdict(float)
        for s in r.stops:
            for p, q in s.drop.items():
                dropped[p] += q
        for p in set(dropped) | set(r.load):
            if abs(dropped[p] - r.load.get(p, 0.0)) > TOL_UNITS:
                out.append(f"{where}: drops {dropped[p]:g} {p} but loads {r.load.get(p, 0.0):g}")
    carries_cold = any(p in cold and q > 0 for p, q in r.load.items())
    working = offer.refrigeration_ok if offer is not None else True
    if carries_cold and not r.frozen and not (spec.refrigerated and working):
        out.append(f"{where}: cold-chain goods on a vehicle without working refrigeration")
    return out


def _timing(where: str, r: Route, snap: NetworkSnapshot, settings: PlanningSettings) -> list[str]:
    """Redrive the route from its depot at the earliest hour it may leave."""
    net = snap.network
    spec = net.vehicle(r.vehicle_id)
    customers = {c.id: c for c in net.customers}
    limits = {p.id: p.max_hours_out_of_storage for p in net.products if p.cold_chain}
    now_h = (snap.taken_at - snap.window.start).total_seconds() / 3600.0
    leave = settings.departure_hour if r.period > 0 else max(settings.departure_hour, now_h)
    depot = net.location_of(r.depot_id)
    clock, here, out = leave, depot, []
    for s in r.stops:
        c = customers.get(s.site_id)
        if c is None:
            out.append(f"{where}: stop {s.site_id} is not a customer")
            return out
        clock += _km(here, c.location) / spec.speed_kmh
        clock = max(clock, c.window_open_h)
        if s.arrive_h + TOL_HOURS < clock:
            out.append(f"{where}: claims arrival at {c.id} at {s.arrive_h} h, before {clock:.3f}")
        clock = max(clock, s.arrive_h)  # the driver is told the claimed hour
        if clock > c.window_close_h + TOL_HOURS:
            out.append(f"{where}: reaches {c.id} at {clock:.2f} h, after its window closes")
        for p, q in s.drop.items():
            limit = limits.get(p)
            if q > 0 and limit is not None and clock - leave > limit + TOL_HOURS:
                out.append(f"{where}: {p} out of storage {clock - leave:.2f} h > {limit} h")
        clock += c.service_minutes / 60.0
        here = c.location
    back = clock + _km(here, depot) / spec.speed_kmh
    if back - leave > spec.shift_hours + TOL_HOURS:
        out.append(f"{where}: back after {back - leave:.2f} h, shift is {spec.shift_hours} h")
    return out


def _committed(plan: Plan, offers: dict[str, VehicleOffer]) -> list[str]:
    """A vehicle out on committed stops keeps them, in order, as a frozen route."""
    out = []
    frozen = {r.vehicle_id: r for r in plan.routes if r.frozen}
    for v, offer in offers.items():
        if not offer.committed_stops:
            continue
        r = frozen.get(v)
        if r is None:
            out.append(f"vehicle {v}: committed stops {offer.committed_stops} have no frozen route")
        elif [s.site_id for s in r.stops] != offer.committed_stops:
            out.append(f"vehicle {v}: frozen route changed its committed stops")
        if any(x.vehicle_id == v and x.period == 0 and not x.frozen for x in plan.routes):
            out.append(f"vehicle {v}: a new route today while still out on committed stops")
    return out


def _deliveries(plan: Plan, settings: PlanningSettings) -> list[str]:
    """In the routed periods, what the routes drop is exactly what the plan delivers."""
    delivered: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for d in plan.deliveries:
        if d.period < settings.routed_periods:
            delivered[d.warehouse_id, d.customer_id, d.product_id, d.period] += d.quantity
    dropped: dict[tuple[str, str, str, int], float] = defaultdict(float)
    for r in plan.routes:
        if r.frozen or r.period >= settings.routed_periods:
            continue
        for s in r.stops:
            for p, q in s.drop.items():
                dropped[r.depot_id, s.site_id, p, r.period] += q
    return [
        f"delivery {k}: plan delivers {delivered[k]:g}, routes drop {dropped[k]:g}"
        for k in sorted(set(delivered) | set(dropped))
        if abs(delivered[k] - dropped[k]) > TOL_UNITS
    ]
