"""One vehicle trip: the stops of a route, the goods on board and their fate.

Loading takes what the depot has of `route.load` (or, when the route gives
no load, the sum of its drops), within the vehicle's capacity; when goods are
short the drops are cut in stop order. At each customer the goods are offered
against its open orders; a cold-chain product whose excursion passed its
limit is refused and counted as spoiled. What is left comes back to the depot.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from adapters.simulator.cargo import hours_outside
from adapters.simulator.demand import OrderLedger
from adapters.simulator.warehouses import WarehouseSim
from adapters.simulator.world import EPS, MIN_UNITS, World
from supplysync.network import Customer, Network, Product
from supplysync.orders import ProofOfDelivery
from supplysync.plan import Route


@dataclass
class Leg:
    """Drive to `site_id` and, at a customer, drop `drop`."""

    site_id: str
    to: tuple[float, float]
    region: str
    customer: Customer | None
    drop: dict[str, float]


@dataclass
class Trip:
    """A route under way.

    Attributes:
        phase: "drive" toward `legs[leg]`, "wait" for the window, "service" at the stop.
        excursion_h: hours each cold-chain product on board has spent out of range.
    """

    route: Route
    lot: str
    legs: list[Leg]
    cargo: dict[str, float]
    leg: int = 0
    phase: Literal["drive", "wait", "service"] = "drive"
    phase_end_h: float = 0.0
    leg_from: tuple[float, float] = (0.0, 0.0)
    leg_km: float = 0.0
    leg_done_km: float = 0.0
    excursion_h: dict[str, float] = field(default_factory=dict)
    spoiled: set[str] = field(default_factory=set)


def plan_trip(
    route: Route,
    *,
    lot: str,
    h: float,
    network: Network,
    depot: WarehouseSim,
    capacity: float,
    world: World,
) -> Trip:
    """Load at the depot and lay out the legs, cutting drops to what was loaded."""
    wanted = dict(route.load)
    if not wanted:
        for stop in route.stops:
            for product_id, units in stop.drop.items():
                wanted[product_id] = wanted.get(product_id, 0.0) + units
    cargo: dict[str, float] = {}
    room = capacity
    for product_id, units in wanted.items():
        got = depot.take(h, product_id, min(units, room), lot) if room > MIN_UNITS else 0.0
        room -= got
        cargo[product_id] = got
        if got < units - EPS:
            world.note(h, f"{lot} loaded {got:g} of {units:g} {product_id}")
    customers = {c.id: c for c in network.customers}
    left = dict(cargo)
    legs: list[Leg] = []
    for stop in route.stops:
        try:
            loc = network.location_of(stop.site_id)
        except KeyError:
            world.note(h, f"{lot} skips unknown stop {stop.site_id}")
            continue
        customer = customers.get(stop.site_id)
        drop: dict[str, float] = {}
        for product_id, units in stop.drop.items():
            drop[product_id] = min(units, left.get(product_id, 0.0))
            left[product_id] = left.get(product_id, 0.0) - drop[product_id]
        region = customer.region if customer else _region(network, stop.site_id)
        legs.append(Leg(stop.site_id, (loc.lat, loc.lon), region, customer, drop))
    legs.append(
        Leg(
            depot.id,
            (depot.spec.location.lat, depot.spec.location.lon),
            depot.spec.region,
            None,
            {},
        )
    )
    return Trip(route=route, lot=lot, legs=legs, cargo=cargo)


def drop_goods(
    trip: Trip,
    h: float,
    leg: Leg,
    *,
    vehicle_id: str,
    ledger: OrderLedger,
    world: World,
) -> list[ProofOfDelivery]:
    """Offer this stop's drops to the customer; refused spoiled goods are written off."""
    if leg.customer is None:
        return []
    proofs: list[ProofOfDelivery] = []
    for product_id, planned in leg.drop.items():
        units = min(planned, trip.cargo.get(product_id, 0.0))
        if units <= MIN_UNITS:
            continue
        spoiled = product_id in trip.spoiled
        handed, pods = ledger.hand_over(
            h, leg.customer.id, product_id, units, vehicle_id=vehicle_id, accept=not spoiled
        )
        trip.cargo[product_id] -= handed
        if spoiled:
            world.tally.spoiled[product_id] += handed
        proofs.extend(pods)
    return proofs


def unload(trip: Trip, h: float, depot: WarehouseSim, world: World) -> None:
    """Return the good goods to stock; spoiled ones are written off."""
    for product_id, units in trip.cargo.items():
        if units <= MIN_UNITS:
            continue
        if product_id in trip.spoiled:
            world.tally.spoiled[product_id] += units
        else:
            depot.receive(h, product_id, units, trip.lot)
    trip.cargo = {}


def on_board(trip: Trip) -> Iterator[tuple[str, float]]:
    """The goods a trip still carries that are worth anything (not spoiled)."""
    for product_id, units in trip.cargo.items():
        if product_id not in trip.spoiled and units > MIN_UNITS:
            yield product_id, units


def track_excursions(
    trip: Trip,
    cold: dict[str, Product],
    *,
    temp: float,
    toward: float,
    tau_h: float,
    dt_h: float,
) -> list[str]:
    """Add each cold product's hours out of range; return those that just spoiled."""
    spoiled_now = []
    for product_id, product in cold.items():
        if product_id in trip.spoiled or trip.cargo.get(product_id, 0.0) <= MIN_UNITS:
            continue
        lo = product.temp_min_c if product.temp_min_c is not None else -math.inf
        hi = product.temp_max_c if product.temp_max_c is not None else math.inf
        total = trip.excursion_h.get(product_id, 0.0) + hours_outside(
            temp, toward, tau_h, dt_h, lo=lo, hi=hi
        )
        trip.excursion_h[product_id] = total
        if total > product.max_excursion_hours + EPS:
            trip.spoiled.add(product_id)
            spoiled_now.append(product_id)
    return spoiled_now


def _region(network: Network, site_id: str) -> str:
    for group in (network.warehouses, network.suppliers, network.plants):
        for site in group:
            if site.id == site_id:
                return site.region
    return ""
