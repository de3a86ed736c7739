"""The network of a generated scenario, built concern by concern from the knobs.

Order matters: customers are placed and their demand drawn first, then
pulled in where no vehicle could reach them; reefers go where they reach
the most cold demand, the rest of the fleet where the demand is; only then
is it known which warehouse serves which line (`service`), and supply,
production, stock settings and vehicle sizes all follow from that.

Each concern draws from its own random stream (`Streams`), seeded from the
scenario seed and the concern's name, so a knob of one concern leaves the
draws of the others alone: the same seed with other disruptions or more
days is the same network.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from adapters.simulator.families import customers as cust
from adapters.simulator.families.fleet import build_fleet, reefer_cover, vehicle_counts
from adapters.simulator.families.geography import (
    Region,
    around,
    map_centre,
    nearest_region,
    regions,
)
from adapters.simulator.families.knobs import Knobs
from adapters.simulator.families.production import Dock, build_machines, build_plants
from adapters.simulator.families.products import products
from adapters.simulator.families.reach import Drive
from adapters.simulator.families.service import Depots, assign
from adapters.simulator.families.stocking import Site, StockRules, build_warehouses, needs
from adapters.simulator.families.supply import Leads, SupplierSite, build_suppliers
from supplysync.network import Location, Network, Product, Supplier
from supplysync.scenario import PlanningSettings

DOCK = 0.3
"""Warehouses stand within this share of their region's radius of its centre."""


@dataclass(frozen=True)
class Streams:
    """One random stream per concern, all from one seed."""

    products: random.Random
    geography: random.Random
    demand: random.Random
    supply: random.Random
    production: random.Random
    fleet: random.Random
    disruptions: random.Random

    @classmethod
    def from_seed(cls, seed: int) -> Streams:
        return cls(**{name: random.Random(f"{seed}:{name}") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class _Map:
    """The placed sites: regions, warehouses (as docks) and customer drafts."""

    centre: Location
    areas: list[Region]
    docks: list[Dock]
    drafts: list[cust.Draft]

    @property
    def places(self) -> dict[str, Location]:
        return {d.id: d.location for d in self.docks}


def build_network(knobs: Knobs, streams: Streams, planning: PlanningSettings) -> Network:
    """The network the knobs describe (validated by the `Network` model)."""
    hours_out = knobs.cold_hours_out or None
    drive = Drive(planning.departure_hour, knobs.speed_kmh, knobs.shift_hours)
    items = products(
        streams.products, knobs.products - knobs.cold_products, knobs.cold_products, hours_out
    )
    cold = frozenset(p.id for p in items if p.cold_chain)
    names = [p.id for p in items]
    world = _place(knobs, streams, items, cold_limit=hours_out is not None)
    counts = _settle_fleet(knobs, world, Depots(world.places, frozenset(), drive, hours_out), cold)
    reefer_depots = frozenset(w for w, (n, _) in counts.items() if n)
    lines = assign(world.drafts, Depots(world.places, reefer_depots, drive, hours_out), cold)
    demand: dict[str, float] = defaultdict(float)
    for d in world.drafts:
        for p, rate in d.demand.items():
            demand[p] += rate
    ambient = [p.id for p in items if not p.cold_chain]
    made = sorted(
        streams.supply.sample(ambient, max(1, round(knobs.make_share * len(ambient))))
        if knobs.machines
        else [],
        key=names.index,
    )
    suppliers = build_suppliers(
        streams.supply,
        _supplier_sites(streams.geography, world.centre, world.areas, knobs),
        items,
        frozenset(made),
        demand,
        leads=Leads(knobs.lead_min_days, knobs.lead_max_days),
        multi_source_share=knobs.multi_source_share,
        tightness=knobs.supplier_tightness,
    )
    plants = build_plants(streams.production, world.docks[: knobs.plants])
    machines = build_machines(
        streams.production, plants, knobs.machines, made, demand, tightness=knobs.machine_tightness
    )
    docks_of = {pl.id: pl.output_warehouse_id for pl in plants}
    rooms = _cold_rooms(streams.fleet, list(world.places), reefer_depots, knobs.cold_room_share)
    sites = [
        Site(d.id, f"Warehouse {d.id} ({d.region})", d.region, d.location, d.id in rooms)
        for d in world.docks
    ]
    need = needs(
        sites,
        lines,
        names,
        makers={p: frozenset(docks_of[m.plant_id] for m in machines if p in m.rates) for p in made},
        buy_lead=_buy_leads(suppliers, [p for p in names if p not in made]),
        transfer_days=planning.transfer_days,
        cv=knobs.demand_cv,
    )
    rules = StockRules(
        review_days=planning.tick_hours / 24.0,
        service_z=knobs.service_z,
        order_days=knobs.order_days,
        initial_days=knobs.initial_days,
        tightness=knobs.warehouse_tightness,
    )
    vehicles = build_fleet(
        counts,
        lines,
        {s.id: s.name for s in sites},
        names,
        cold,
        speed_kmh=knobs.speed_kmh,
        shift_hours=knobs.shift_hours,
        fleet_tightness=knobs.fleet_tightness,
        reefer_tightness=knobs.reefer_tightness,
    )
    return Network(
        products=items,
        suppliers=suppliers,
        plants=plants,
        machines=machines,
        warehouses=build_warehouses(sites, need, rules),
        customers=cust.finish(world.drafts, cold),
        vehicles=vehicles,
    )


def _place(knobs: Knobs, streams: Streams, items: list[Product], *, cold_limit: bool) -> _Map:
    """Regions, warehouses near their centres, and customers with their demand."""
    geo = streams.geography
    centre = map_centre(geo)
    areas = regions(geo, centre, knobs.regions, knobs.spread_km)
    docks = []
    for i in range(knobs.warehouses):
        area = areas[i % len(areas)]
        docks.append(Dock(f"W-{i + 1}", area.name, around(geo, area.centre, DOCK * area.radius_km)))
    drafts = cust.draft_customers(
        streams.demand,
        knobs.customers,
        areas,
        items,
        level=knobs.demand_level,
        mix=knobs.product_mix,
        narrow_share=knobs.narrow_window_share,
        cold_limit=cold_limit,
    )
    return _Map(centre, areas, docks, drafts)


def _settle_fleet(
    knobs: Knobs, world: _Map, depots: Depots, cold: frozenset[str]
) -> dict[str, tuple[int, int]]:
    """Pull customers into reach, place reefers where they reach most, count vehicles.

    `depots` gives the drive and the cold limit; its reefer depots are ignored.
    """
    places, drive, hours_out = world.places, depots.drive, depots.hours_out
    for d in world.drafts:
        w = min(places, key=lambda w: places[w].km_to(d.location))
        cust.pull_in(d, places[w], partial(drive.reaches, places[w]))
    every = Depots(places, frozenset(places), drive, hours_out)
    chosen, left = reefer_cover(world.drafts, every, cold, knobs.reefers)
    for d in left:
        w = min(chosen, key=lambda w: places[w].km_to(d.location))
        cust.pull_in(d, places[w], partial(drive.reaches_cold, places[w], hours_out=hours_out))
    first = assign(world.drafts, Depots(places, frozenset(chosen), drive, hours_out), cold)
    names = sorted({p for d in world.drafts for p in d.demand})
    return vehicle_counts(
        list(places),
        {w: first.total(w, names) for w in places},
        {w: first.total(w, sorted(cold)) for w in places},
        chosen,
        vehicles=knobs.vehicles,
        reefers=knobs.reefers,
    )


def _supplier_sites(
    rng: random.Random, centre: Location, areas: list[Region], knobs: Knobs
) -> list[SupplierSite]:
    out = []
    for n in range(1, knobs.suppliers + 1):
        here = around(rng, centre, knobs.spread_km / 2)
        region = nearest_region(here, areas).name
        out.append(SupplierSite(f"S-{n}", f"Supplier {n} ({region})", region, here))
    return out


def _cold_rooms(
    rng: random.Random, warehouses: list[str], reefer_depots: frozenset[str], share: float
) -> frozenset[str]:
    """Reefer depots, and more warehouses at random up to `share` of them."""
    others = [w for w in warehouses if w not in reefer_depots]
    extra = max(0, round(share * len(warehouses)) - len(reefer_depots))
    return reefer_depots | frozenset(rng.sample(others, min(extra, len(others))))


def _buy_leads(suppliers: list[Supplier], bought: list[str]) -> dict[str, int]:
    """Lead time of each product's cheapest quote: where the reorder rule buys."""
    quotes = [q for s in suppliers for q in s.quotes]
    return {
        p: min(
            (q for q in quotes if q.product_id == p), key=lambda q: (q.unit_price, q.lead_time_days)
        ).lead_time_days
        for p in bought
    }
