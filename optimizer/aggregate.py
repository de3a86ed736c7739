"""A snapshot of thousands of assets folded into one the MILP can solve, and the key back.

What the MILP sees when 10,000 assets offer (README, "Scale"):

- **Warehouses fold into zones** (`optimizer.zones`): one site per zone
  whose stock, room, free room and goods on the way are its members' sums,
  at the member nearest the zone's centroid. Distances from a zone are from
  that member, off by at most the zone's radius.
- **Machines fold into work centres**: machines whose plants feed one
  zone, that make the same products, with the same setup, the same free
  hours in every period and the same product set up, and that have no
  maintenance due, nothing committed and are not down. A centre has the
  members' hours summed, each product's mean rate, and the members' setups
  summed (every member sets up when the centre does). Because members are
  alike in hours, a centre's run splits exactly: member i makes
  `q * r_i / sum(r)` in `hours / n`, within its own hours whenever the
  centre's run is within the centre's. A machine that differs
  (maintenance due, runs committed, down) stays itself: it is where the
  plan must decide something particular. The centre's setup is priced once, not per member,
  so the objective undercounts setup cost by (n - 1) setups per centre run.
- **Suppliers fold into pools**, one per product, lead time and price:
  the members' quantities summed; a pool order splits over its members in
  proportion to what each can still ship in that period, so no member is
  asked for more than it quoted.
- **Vehicles stay themselves**, re-based at their zone: the MILP already
  groups interchangeable vehicles of a depot into crews and runs at most
  as many routes as a crew has vehicles (`optimizer.columns`), so 100
  alike trucks of a zone are one crew with candidate routes, not 100.
- **Customers stay themselves**: they are not assets, and their orders are
  what the plan answers.

`Aggregation` keeps who is in what, for `optimizer.disaggregate` to map the
plan back onto the member assets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from optimizer.zones import Zone, zones_of
from supplysync.network import Location, Machine, Network, Plant, Supplier, SupplyQuote, Warehouse
from supplysync.offers import (
    Inbound,
    LiveQuote,
    MachineOffer,
    NetworkSnapshot,
    ReorderRequest,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)

AT_DEPOT_KM = 0.5
"""A vehicle this close to its own depot is at its zone's site (as `optimizer.columns`
counts a vehicle at its depot)."""


@dataclass(frozen=True)
class Aggregation:
    """Who is in which aggregate, and the member figures a plan is split by.

    Attributes:
        network: the member network (the one commands go to).
        zones: the warehouse zones.
        zone_of: each member warehouse's zone id.
        centres: each work centre's member machine ids.
        rates: each member machine's rates, for splitting a centre's run.
        pools: each supplier pool's members, each with what it can ship in
            the first period and in any later one.
        stock: each member warehouse's stock by product, for splitting what
            leaves a zone.
    """

    network: Network
    zones: tuple[Zone, ...]
    zone_of: Mapping[str, str]
    centres: Mapping[str, tuple[str, ...]]
    rates: Mapping[str, Mapping[str, float]]
    pools: Mapping[str, tuple[tuple[str, float, float], ...]]
    stock: Mapping[str, Mapping[str, float]]

    @cached_property
    def by_zone(self) -> Mapping[str, Zone]:
        """The zones by id."""
        return {z.zone_id: z for z in self.zones}

    @cached_property
    def sites(self) -> Mapping[str, Location]:
        """Where each member warehouse and customer is."""
        net = self.network
        where = {w.id: w.location for w in net.warehouses}
        where.update((c.id, c.location) for c in net.customers)
        return where


def aggregate(snapshot: NetworkSnapshot, zone_count: int) -> tuple[NetworkSnapshot, Aggregation]:
    """The snapshot the MILP plans, and the key back to `snapshot`'s assets."""
    net = snapshot.network
    zones = zones_of(net, zone_count)
    zone_of = {m: z.zone_id for z in zones for m in z.members}
    plant_zone = {p.id: zone_of[p.output_warehouse_id] for p in net.plants}
    machines, centre_specs, centres = _machines(snapshot, plant_zone)
    suppliers, supplier_specs, pools = _suppliers(snapshot)
    warehouses = _warehouses(snapshot, zones, zone_of)
    by_id = {w.id: w for w in net.warehouses}
    homes = {z.zone_id: by_id[z.home].location for z in zones}
    vehicles = [_vehicle(v, zone_of, by_id, homes) for v in snapshot.vehicles]
    kept = {o.machine_id for o in machines}
    network = Network(
        products=net.products,
        suppliers=supplier_specs,
        plants=[
            Plant(
                id=f"{z.zone_id}-PLANT",
                name=f"plants feeding {z.zone_id}",
                location=by_id[z.home].location,
                region=by_id[z.home].region,
                output_warehouse_id=z.zone_id,
            )
            for z in zones
            if z.zone_id in set(plant_zone.values())
        ],
        machines=[
            *centre_specs,
            *(
                m.model_copy(update={"plant_id": f"{plant_zone[m.plant_id]}-PLANT"})
                for m in net.machines
                if m.id in kept
            ),
        ],
        warehouses=[_zone_spec(z, [by_id[m] for m in z.members]) for z in zones],
        customers=net.customers,
        vehicles=[v.model_copy(update={"depot_id": zone_of[v.depot_id]}) for v in net.vehicles],
    )
    folded_snapshot = snapshot.model_copy(
        update={
            "network": network,
            "machines": machines,
            "suppliers": suppliers,
            "warehouses": warehouses,
            "vehicles": vehicles,
        }
    )
    key = Aggregation(
        network=net,
        zones=zones,
        zone_of=zone_of,
        centres={c: tuple(ms) for c, ms in centres.items()},
        rates={o.machine_id: dict(o.rates) for o in snapshot.machines},
        pools=pools,
        stock={w.warehouse_id: dict(w.stock) for w in snapshot.warehouses},
    )
    return folded_snapshot, key


_CentreKey = tuple[str, tuple[str, ...], float, tuple[float, ...], str | None]
"""What machines of one centre share: zone, products, setup, hours per period, product set up."""


def _foldable(offer: MachineOffer) -> bool:
    return not offer.down and offer.maintenance_due_period is None and not offer.committed


def _machines(
    snapshot: NetworkSnapshot, plant_zone: Mapping[str, str]
) -> tuple[list[MachineOffer], list[Machine], dict[str, list[str]]]:
    """Offers with alike machines folded into centres; the centres' specs and members."""
    specs = {m.id: m for m in snapshot.network.machines}
    n = snapshot.window.periods
    alike: dict[_CentreKey, list[MachineOffer]] = defaultdict(list)
    kept: list[MachineOffer] = []
    for o in snapshot.machines:
        if o.plant_id not in plant_zone or o.machine_id not in specs:
            continue
        if not _foldable(o):
            kept.append(o.model_copy(update={"plant_id": f"{plant_zone[o.plant_id]}-PLANT"}))
            continue
        hours = _hours(o, specs[o.machine_id], n, snapshot.window.period_hours)
        key: _CentreKey = (
            plant_zone[o.plant_id],
            tuple(sorted(p for p, r in o.rates.items() if r > 0)),
            o.setup_hours,
            hours,
            o.current_product,
        )
        alike[key].append(o)
    offers: list[MachineOffer] = []
    centre_specs: list[Machine] = []
    centres: dict[str, list[str]] = {}
    for k, (kind, members) in enumerate(sorted(alike.items(), key=lambda kv: str(kv[0]))):
        zone, products, setup, hours, current = kind
        centre_id = f"{zone}-MC{k:04d}"
        size = len(members)
        rates = {p: sum(m.rates[p] for m in members) / size for p in products}
        first = specs[members[0].machine_id]
        centres[centre_id] = [m.machine_id for m in members]
        centre_specs.append(
            Machine(
                id=centre_id,
                name=f"{size} alike machines of {zone}",
                plant_id=f"{zone}-PLANT",
                rates=rates,
                setup_hours=setup * size,
                hours_per_day=first.hours_per_day,
                maintenance_hours=first.maintenance_hours,
                repair_hours=first.repair_hours,
            )
        )
        offers.append(
            MachineOffer(
                machine_id=centre_id,
                plant_id=f"{zone}-PLANT",
                health=min(m.health for m in members),
                capacity_hours=[h * size for h in hours],
                rates=rates,
                setup_hours=setup * size,
                maintenance_hours=first.maintenance_hours,
                repair_hours=first.repair_hours,
                current_product=current,
            )
        )
    return [*offers, *kept], centre_specs, centres


def _hours(offer: MachineOffer, spec: Machine, n: int, period_hours: float) -> tuple[float, ...]:
    """Free hours per period of the window, padded as `optimizer.data` pads them."""
    pad = spec.hours_per_day * period_hours / 24.0
    return tuple(
        round(offer.capacity_hours[t] if t < len(offer.capacity_hours) else pad, 6)
        for t in range(n)
    )


def _suppliers(
    snapshot: NetworkSnapshot,
) -> tuple[list[SupplierOffer], list[Supplier], dict[str, tuple[tuple[str, float, float], ...]]]:
    """One pool per product, lead and price; members with their first and later quantities."""
    specs = {s.id: s for s in snapshot.network.suppliers}
    members: dict[tuple[str, int, float], list[tuple[str, float, float]]] = defaultdict(list)
    for s in snapshot.suppliers:
        for q in s.quotes:
            if q.quantity_per_period <= 0:
                continue
            first = (
                q.quantity_per_period
                if q.quantity_first_period is None
                else min(q.quantity_first_period, q.quantity_per_period)
            )
            key = (q.product_id, q.lead_time_periods, q.unit_price)
            members[key].append((s.supplier_id, first, q.quantity_per_period))
    offers, pool_specs, pools = [], [], {}
    for k, ((product, lead, price), group) in enumerate(sorted(members.items())):
        pool_id = f"POOL-{product}-L{lead}-{k:03d}"
        head = specs[group[0][0]]
        lead_days = next(q.lead_time_days for q in head.quotes if q.product_id == product)
        pools[pool_id] = tuple(group)
        offers.append(
            SupplierOffer(
                supplier_id=pool_id,
                quotes=[
                    LiveQuote(
                        product_id=product,
                        quantity_per_period=sum(g[2] for g in group),
                        lead_time_periods=lead,
                        unit_price=price,
                        quantity_first_period=sum(g[1] for g in group),
                    )
                ],
            )
        )
        pool_specs.append(
            Supplier(
                id=pool_id,
                name=f"{len(group)} suppliers of {product}",
                location=head.location,
                region=head.region,
                quotes=[
                    SupplyQuote(
                        product_id=product,
                        capacity_per_day=sum(
                            q.capacity_per_day
                            for sid, _, _ in group
                            for q in specs[sid].quotes
                            if q.product_id == product
                        ),
                        lead_time_days=lead_days,
                        unit_price=price,
                    )
                ],
            )
        )
    return offers, pool_specs, pools


def _warehouses(
    snapshot: NetworkSnapshot, zones: tuple[Zone, ...], zone_of: Mapping[str, str]
) -> list[WarehouseOffer]:
    """Each zone's offer: its members' stock, room and goods on the way, summed."""
    offers = {w.warehouse_id: w for w in snapshot.warehouses}
    inbound: dict[str, list[Inbound]] = defaultdict(list)
    for i in snapshot.inbound():
        zone = zone_of.get(i.destination_id)
        if zone is not None:
            inbound[zone].append(i.model_copy(update={"destination_id": zone}))
    out = []
    for z in zones:
        members = [offers[m] for m in z.members if m in offers]
        stock: dict[str, float] = defaultdict(float)
        asked: dict[str, float] = defaultdict(float)
        for o in members:
            for p, q in o.stock.items():
                stock[p] += q
            for r in o.reorder_requests:
                asked[r.product_id] += r.quantity
        out.append(
            WarehouseOffer(
                warehouse_id=z.zone_id,
                stock=dict(stock),
                capacity_units=sum(o.capacity_units for o in members),
                free_units=sum(o.free_units for o in members),
                cold_storage_ok=all(o.cold_storage_ok for o in members),
                reorder_requests=[
                    ReorderRequest(product_id=p, quantity=q) for p, q in sorted(asked.items())
                ],
                inbound=inbound[z.zone_id],
            )
        )
    return out


def _zone_spec(zone: Zone, members: list[Warehouse]) -> Warehouse:
    """The zone as a warehouse of the aggregated network: its members' figures summed."""
    home = next(m for m in members if m.id == zone.home)

    def total(field: str) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for m in members:
            for p, q in getattr(m, field).items():
                out[p] += q
        return dict(out)

    return Warehouse(
        id=zone.zone_id,
        name=f"{len(members)} warehouses around {home.name}",
        location=home.location,
        region=home.region,
        capacity_units=sum(m.capacity_units for m in members),
        cold_storage=zone.cold_storage,
        initial_stock=total("initial_stock"),
        reorder_point=total("reorder_point"),
        order_quantity=total("order_quantity"),
    )


def _vehicle(
    offer: VehicleOffer,
    zone_of: Mapping[str, str],
    depots: Mapping[str, Warehouse],
    homes: Mapping[str, Location],
) -> VehicleOffer:
    """The vehicle based at its depot's zone; at the zone's site when at its own depot."""
    zone = zone_of[offer.depot_id]
    update: dict[str, object] = {"depot_id": zone}
    if offer.location.km_to(depots[offer.depot_id].location) <= AT_DEPOT_KM:
        update["location"] = homes[zone]
    return offer.model_copy(update=update)
