"""Candidate routes for the routed near horizon, for the MILP to choose among.

Routes are the MILP's decision, but sequencing stops is not what a MILP does
well, so the candidates come from the routing engine and the MILP selects
them and decides what each carries (`optimizer.route_model`), together with
production and replenishment. For each warehouse and each of the first
`PlanningSettings.routed_periods` periods:

- vehicles are grouped into crews: vehicles of one depot that are
  interchangeable that day (room, speed, shift, working reefer or not, cost
  per km, departure hour). A crew's routes can be driven by any of its
  vehicles; the MILP runs at most as many of them as the crew has vehicles.
- the engine (PyVRP, `optimizer.vrp`) routes every customer the warehouse
  could serve that day as if it served all of their demand: those routes are
  good sequences for the busy case.
- the engine also routes the warehouse's own customers alone: each
  customer's dry and cold parts belong to the nearest warehouse with a crew
  that can take them that day (`homes`). A warehouse whose fleet cannot
  carry everything it could reach fills its routes above with the most
  valuable customers, often another warehouse's near ones, and leaves out
  its own; the MILP, which mostly serves customers from near stock, would
  then have only out-and-backs for them (replaying 11 daily plans of
  regional-1, routing the own customers too lowers their objective by 6 %
  and their km by a fifth).
- every customer also gets an out-and-back route per crew, so the MILP can
  always serve any reachable customer from any warehouse and is never stuck
  with the engine's guesses of who is served from where.

Each candidate keeps every window and the shift by construction (its timing
is recomputed here, not trusted from the engine). Cold-chain goods may ride
only on a crew with a working reefer, and only to stops reached within the
product's `max_hours_out_of_storage` of departure; `Column.arrive` lets the
model check that per product.

In period 0 a vehicle starts where it is: one that is away from its depot
with nothing committed leaves when it is back, and one out on committed stops
takes no new route that day (its trip under way is frozen, see
`frozen_routes`).

The engine's search per depot and day is counted in iterations, not
seconds (`SolverSettings.candidate_iterations`): an iteration's work grows
with the depot's clients, so a depot gets about the same work within the
bounds, and stops earlier after `candidate_no_improvement` iterations found
nothing better. So the same snapshot gives the same candidates, and so the
same plans, on any machine and under any load: a search cut off by the
clock does not (the demo's milp column moved between runs while it was).
The engine's routes here are good sequences to choose among, not a final
answer, and the MILP always has out-and-backs besides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from optimizer.data import PlanningData
from optimizer.fleet import VehicleData
from optimizer.geometry import fits_shift, road_km, trip
from optimizer.vrp import solve_routes, validate
from optimizer.vrp.depot import REEFER_PREMIUM_KM, Truck, Visit, depot_instance
from supplysync.network import Customer
from supplysync.offers import VehicleOffer

AT_DEPOT_KM = 0.5
"""A vehicle closer than this to its depot is at the depot."""


CrewKey = tuple[str, int, float, float, float, bool, bool, float, float, str]


@dataclass(frozen=True)
class Crew:
    """Interchangeable vehicles of one depot on one day."""

    depot_id: str
    period: int
    vehicle_ids: tuple[str, ...]
    room: float
    speed_kmh: float
    shift_hours: float
    cold_ok: bool
    refrigerated: bool
    cost_per_km: float
    departure: float
    fixed: bool = False

    @property
    def key(self) -> Hashable:
        """What makes two crews the same crew in another snapshot (the room is a parameter)."""
        return (
            self.depot_id,
            self.period,
            self.vehicle_ids,
            self.speed_kmh,
            self.shift_hours,
            self.cold_ok,
            self.refrigerated,
            self.cost_per_km,
            self.fixed,
        )


@dataclass(frozen=True)
class Column:
    """One candidate route: a crew drives `stops` in order, from its depot and back.

    Attributes:
        crew: index into the crews list it was generated with.
        arrive: arrival hour at each stop (after waiting for its window).
        cost: driving cost, with the reefer premium for a refrigerated truck.
    """

    crew: int
    depot_id: str
    period: int
    stops: tuple[str, ...]
    arrive: tuple[float, ...]
    km: float
    cost: float

    def hours_out(self, k: int, departure: float) -> float:
        """Hours from leaving the depot to reaching stop `k`."""
        return self.arrive[k] - departure


@dataclass(frozen=True)
class RouteCandidates:
    """The crews and candidate routes of the routed periods.

    Attributes:
        fixed: indices of columns that must run (routes an operator froze).
        notes: frozen routes that could not be kept, and why.
    """

    crews: tuple[Crew, ...]
    columns: tuple[Column, ...]
    fixed: frozenset[int] = frozenset()
    notes: tuple[str, ...] = ()


def routed_periods(data: PlanningData) -> tuple[int, ...]:
    """The periods whose routes the MILP decides."""
    return tuple(t for t in data.periods if t < data.routed_periods)


def crews_of(data: PlanningData) -> tuple[Crew, ...]:
    """The crews of every depot in every routed period."""
    costs = {v.id: v.cost_per_km for v in data.network.vehicles}
    groups: dict[CrewKey, list[str]] = defaultdict(list)
    fixed = {(f.vehicle_id, f.period) for f in data.fixed_routes}
    for t in routed_periods(data):
        for v in data.vehicles:
            room = v.capacity(t)
            dep = departure_of(data, v, t)
            if room <= 1e-6 or dep is None:
                continue
            key = (
                v.depot_id,
                t,
                room,
                v.speed_kmh,
                v.shift_hours,
                v.cold_ok,
                v.refrigerated,
                costs[v.vehicle_id],
                dep,
                v.vehicle_id if (v.vehicle_id, t) in fixed else "",
            )
            groups[key].append(v.vehicle_id)
    return tuple(
        Crew(w, t, tuple(ids), room, speed, shift, cold_ok, refrigerated, per_km, dep, bool(only))
        for (w, t, room, speed, shift, cold_ok, refrigerated, per_km, dep, only), ids in sorted(
            groups.items()
        )
    )


def departure_of(data: PlanningData, v: VehicleData, period: int) -> float | None:
    """When a vehicle can leave its depot with a new load in `period`, or None if it cannot.

    In period 0 a vehicle away from its depot first drives back; one out on
    committed stops is busy all day (its trip is frozen); one back after the
    day's last departure hour stays at its depot until the next day.
    """
    if period > 0:
        return data.departure(period)
    offer = data.offers.get(v.vehicle_id)
    if offer is None:
        return data.departure(0)
    if offer.committed_stops:
        return None
    back_h = road_km(offer.location, data.location(v.depot_id)) / v.speed_kmh
    leaves = data.departure(0) + (back_h if back_h * v.speed_kmh > AT_DEPOT_KM else 0.0)
    return leaves if leaves <= data.last_departure_hour + 1e-9 else None


def candidates(data: PlanningData) -> RouteCandidates:
    """Crews and candidate routes for every depot and routed period."""
    crews = crews_of(data)
    columns: dict[tuple[int, tuple[str, ...]], Column] = {}
    by_depot: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, crew in enumerate(crews):
        by_depot[crew.depot_id, crew.period].append(i)
    notes: list[str] = []
    home = homes(data, crews)
    for (w, t), members in sorted(by_depot.items()):
        free = [i for i in members if not crews[i].fixed]
        clients = _clients(data, w, t)
        for i in free:
            for c, cold in clients:
                if cold and not crews[i].cold_ok:
                    continue
                _add(data, crews, i, (c.id,), columns)
        if not free:
            continue
        crew_list = [(i, crews[i]) for i in free]
        every = _visits(data, crew_list, clients)
        own = [v for v in every if home.get((v.customer.id, v.cold, t)) == w]
        for visits in (every, own) if 0 < len(own) < len(every) else (every,):
            for i, stops in _engine_routes(data, crew_list, visits):
                _add(data, crews, i, stops, columns)
    fixed = _fixed_columns(data, crews, notes)
    cols = tuple(columns.values()) + tuple(fixed)
    return RouteCandidates(crews, cols, frozenset(range(len(columns), len(cols))), tuple(notes))


def with_visits(
    data: PlanningData, cands: RouteCandidates, visits: Mapping[tuple[str, int], Sequence[Visit]]
) -> RouteCandidates:
    """`cands` and the engine's routes for `visits`, by depot and period, for their free crews.

    A visit too big for the largest truck that may carry it is cut to that
    truck (`_cut`), as `candidates` cuts a customer's whole part.
    """
    columns = _free(cands)
    crews = cands.crews
    for (w, t), wanted in sorted(visits.items()):
        free = [
            (i, c) for i, c in enumerate(crews) if (c.depot_id, c.period) == (w, t) and not c.fixed
        ]
        cut = [c for c in (_cut(v, free) for v in wanted) if c is not None]
        if free and cut:
            for i, stops in _engine_routes(data, free, cut):
                _add(data, crews, i, stops, columns)
    return _grown(cands, columns)


def with_routes(
    data: PlanningData, cands: RouteCandidates, routes: Iterable[tuple[Hashable, tuple[str, ...]]]
) -> RouteCandidates:
    """`cands` and `routes` (a crew's key and its stops) for the crews of `cands` with those keys.

    Each route is timed again for its crew (`timed`): one that no longer
    keeps its windows or the shift is left out.
    """
    columns = _free(cands)
    index = {crew.key: i for i, crew in enumerate(cands.crews) if not crew.fixed}
    for key, stops in routes:
        if key in index:
            _add(data, cands.crews, index[key], stops, columns)
    return _grown(cands, columns)


def _free(cands: RouteCandidates) -> dict[tuple[int, tuple[str, ...]], Column]:
    """The columns of `cands` that are not fixed, keyed as `_add` keys them."""
    return {(c.crew, c.stops): c for j, c in enumerate(cands.columns) if j not in cands.fixed}


def _grown(
    cands: RouteCandidates, columns: dict[tuple[int, tuple[str, ...]], Column]
) -> RouteCandidates:
    """`cands` with `columns` as its free columns, its fixed ones after them as before."""
    fixed = tuple(cands.columns[j] for j in sorted(cands.fixed))
    cols = tuple(columns.values()) + fixed
    return RouteCandidates(
        cands.crews, cols, frozenset(range(len(columns), len(cols))), cands.notes
    )


def _fixed_columns(data: PlanningData, crews: tuple[Crew, ...], notes: list[str]) -> list[Column]:
    """The one route of each frozen-route crew, or a note saying why it cannot be kept."""
    wanted = {(f.vehicle_id, f.period): tuple(f.stops) for f in data.fixed_routes}
    out = []
    for i, crew in enumerate(crews):
        if not crew.fixed:
            continue
        v = crew.vehicle_ids[0]
        stops = wanted[v, crew.period]
        unknown = [c for c in stops if c not in data.customers]
        column = None if unknown else timed(data, crew, i, stops)
        if column is None:
            why = f"unknown stops {unknown}" if unknown else "it breaks a window or the shift"
            notes.append(f"frozen route of {v} in period {crew.period} not kept: {why}")
        else:
            out.append(column)
    for v, t in sorted(wanted):
        if t >= data.routed_periods:
            notes.append(
                f"frozen route of {v} in period {t} is kept once that day is within the "
                f"{data.routed_periods} routed periods"
            )
    return out


def _clients(data: PlanningData, w: str, t: int) -> list[tuple[Customer, bool]]:
    """Customers with demand in `t` that `w` can reach: (customer, has cold demand) each part."""
    dry: dict[str, float] = defaultdict(float)
    cold: dict[str, float] = defaultdict(float)
    for line in data.demand:
        if line.period != t:
            continue
        if line.product_id in data.cold:
            if (w, line.customer_id) in data.cold_arcs:
                cold[line.customer_id] += line.quantity
        elif (w, line.customer_id) in data.arc_set:
            dry[line.customer_id] += line.quantity
    out = [(data.customers[c], True) for c in sorted(cold)]
    out += [(data.customers[c], False) for c in sorted(dry)]
    return out


def homes(data: PlanningData, crews: Sequence[Crew]) -> dict[tuple[str, bool, int], str]:
    """The warehouse each customer's dry and cold parts belong to, per routed period.

    It is the nearest warehouse (road km, then id) with a free crew that day
    that may take the part: one reaching the customer in a shift, with a
    working reefer for the cold part. Keyed (customer, cold, period).
    """
    able: dict[tuple[int, bool], set[str]] = defaultdict(set)
    for crew in crews:
        if not crew.fixed:
            able[crew.period, False].add(crew.depot_id)
            if crew.cold_ok:
                able[crew.period, True].add(crew.depot_id)
    out: dict[tuple[str, bool, int], str] = {}
    for t in routed_periods(data):
        for c in data.customers.values():
            for cold in (False, True):
                arcs = data.cold_arcs if cold else data.arc_set
                near = sorted((data.km[w, c.id], w) for w in able[t, cold] if (w, c.id) in arcs)
                if near:
                    out[c.id, cold, t] = near[0][1]
    return out


def _visits(
    data: PlanningData, members: list[tuple[int, Crew]], clients: list[tuple[Customer, bool]]
) -> list[Visit]:
    """Each client's whole part as one visit, cut to the largest room that may carry it."""
    t = members[0][1].period
    quantity, worth = _quantities(data, t)
    whole = (Visit(c, quantity[c.id, cold], cold, worth[c.id, cold]) for c, cold in clients)
    return [v for v in (_cut(w, members) for w in whole) if v is not None]


def _cut(visit: Visit, members: Sequence[tuple[int, Crew]]) -> Visit | None:
    """`visit` cut to the largest room that may carry it, worth its share; None if nothing fits."""
    room = max((cr.room for _, cr in members if cr.cold_ok or not visit.cold), default=0.0)
    if visit.quantity <= 1e-6 or room <= 1e-6:
        return None
    share = min(visit.quantity, room) / visit.quantity
    return Visit(visit.customer, min(visit.quantity, room), visit.cold, visit.value * share)


def _engine_routes(
    data: PlanningData, members: list[tuple[int, Crew]], visits: list[Visit]
) -> list[tuple[int, tuple[str, ...]]]:
    """Routes the engine finds for the crews of one depot and day serving `visits` whole."""
    w = members[0][1].depot_id
    trucks: list[Truck] = []
    owner: list[int] = []
    by_id = {v.vehicle_id: v for v in data.vehicles}
    for i, crew in members:
        for vid in crew.vehicle_ids:
            trucks.append(Truck(by_id[vid], crew.room, crew.departure, crew.cost_per_km))
            owner.append(i)
    if not visits or not trucks:
        return []
    instance = depot_instance(data.location(w), visits, trucks)
    tuning = data.solver
    result = solve_routes(
        instance,
        time_limit_s=tuning.candidate_seconds,
        no_improvement=tuning.candidate_no_improvement,
        max_iterations=tuning.candidate_iterations(len(visits)),
    )
    out = []
    for route, k in zip(result.routes, result.vehicle_classes, strict=True):
        if validate(instance, [route], [k]):
            continue  # never trust a route the independent check rejects
        stops = tuple(dict.fromkeys(visits[n - 1].customer.id for n in route))
        out.append((owner[k], stops))
    return out


def _quantities(
    data: PlanningData, t: int
) -> tuple[dict[tuple[str, bool], float], dict[tuple[str, bool], float]]:
    """Units and shortage value of each customer's cold and dry demand in `t`."""
    units: dict[tuple[str, bool], float] = defaultdict(float)
    worth: dict[tuple[str, bool], float] = defaultdict(float)
    for line in data.demand:
        if line.period == t:
            key = (line.customer_id, line.product_id in data.cold)
            units[key] += line.quantity
            worth[key] += line.quantity * data.line_penalty(line)
    return units, worth


def _add(
    data: PlanningData,
    crews: tuple[Crew, ...],
    i: int,
    stops: tuple[str, ...],
    into: dict[tuple[int, tuple[str, ...]], Column],
) -> None:
    """Add the route if its own timing keeps every window and the shift."""
    if (i, stops) in into:
        return
    crew = crews[i]
    column = timed(data, crew, i, stops)
    if column is not None:
        into[i, stops] = column


def timed(data: PlanningData, crew: Crew, i: int, stops: tuple[str, ...]) -> Column | None:
    """The column of `stops` driven by `crew`, or None if it breaks a window or the shift."""
    tour = trip(
        data.location(crew.depot_id),
        [data.customers[c] for c in stops],
        departure_hour=crew.departure,
        speed_kmh=crew.speed_kmh,
    )
    if not fits_shift(tour, departure_hour=crew.departure, shift_hours=crew.shift_hours):
        return None
    premium = REEFER_PREMIUM_KM if crew.refrigerated else 0.0
    return Column(
        crew=i,
        depot_id=crew.depot_id,
        period=crew.period,
        stops=stops,
        arrive=tour.arrive,
        km=tour.km,
        cost=(tour.km + premium) * crew.cost_per_km,
    )


def frozen_offers(data: PlanningData) -> list[VehicleOffer]:
    """Offers of vehicles out on committed stops: their trips under way stay as they are."""
    return [o for o in data.offers.values() if o.committed_stops]
