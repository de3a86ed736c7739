"""Canonical networks and snapshots for the optimizer tests.

`line_network` is the smallest network that exercises every builder: one
product made by one machine into one warehouse that serves one customer
(20 km away) with one vehicle. Its keyword arguments change one thing at a
time. `snapshot_of` turns any network into a plausible snapshot: machines
offer their full shift, suppliers quote their normal terms, warehouses hold
their initial stock, every vehicle is free, and customers order their daily
rate (period 0 firm, later periods forecast).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supplysync.network import (
    Customer,
    Location,
    Machine,
    Network,
    Plant,
    Product,
    Supplier,
    SupplyQuote,
    Vehicle,
    Warehouse,
)
from supplysync.offers import (
    DemandLine,
    LiveQuote,
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.planning import PlanningWindow
from supplysync.scenario import PlanningSettings, Scenario

START = datetime(2026, 3, 2, tzinfo=UTC)
SETTINGS = PlanningSettings(time_limit_s=20, mip_gap=0.0, departure_hour=7)
HOME = Location(lat=51.0, lon=7.0)
NEAR = Location(lat=51.15, lon=7.05)  # about 17 km north of HOME


def product(pid: str = "P", *, cold: bool = False, penalty: float = 100.0) -> Product:
    temps = {"temp_min_c": 2.0, "temp_max_c": 8.0} if cold else {}
    return Product(
        id=pid,
        name=pid,
        unit_value=50.0,
        holding_cost_per_day=0.1,
        shortage_penalty=penalty,
        **temps,
    )


def line_network(
    *,
    products: list[Product] | None = None,
    machines: list[Machine] | None = None,
    suppliers: list[Supplier] | None = None,
    vehicles: list[Vehicle] | None = None,
    capacity_units: float = 10_000.0,
    stock: dict[str, float] | None = None,
) -> Network:
    """One plant, one warehouse W, one customer C; one machine M and vehicle V by default."""
    products = products or [product()]
    return Network(
        products=products,
        suppliers=suppliers or [],
        plants=[Plant(id="PL", name="plant", location=HOME, region="r", output_warehouse_id="W")],
        machines=machines
        if machines is not None
        else [Machine(id="M", name="m", plant_id="PL", rates={"P": 10.0}, setup_hours=0.0)],
        warehouses=[
            Warehouse(
                id="W",
                name="w",
                location=HOME,
                region="r",
                capacity_units=capacity_units,
                initial_stock=stock or {},
            )
        ],
        customers=[
            Customer(
                id="C",
                name="c",
                location=NEAR,
                region="r",
                demand_per_day={p.id: 0.0 for p in products},
            )
        ],
        vehicles=vehicles
        if vehicles is not None
        else [Vehicle(id="V", name="v", depot_id="W", capacity_units=1000.0)],
    )


FAR = (
    Location(lat=51.0, lon=8.5),
    Location(lat=51.05, lon=8.5),
    Location(lat=51.0, lon=8.55),
    Location(lat=51.05, lon=8.55),
)
"""A cluster about 140 km east of HOME: an out-and-back there takes half a shift."""


def far_cluster(*, vehicles: int = 1, service_minutes: float = 90.0) -> Network:
    """One warehouse at HOME with stock for all; four valuable customers in one far cluster.

    With 90 minutes at each stop, three of them fit in one 10-hour shift,
    all four do not: an engine that bought the fourth stop's high value with
    a late return would offer no multi-stop route at all.
    """
    p = product("P", penalty=800.0)
    return Network(
        products=[p],
        warehouses=[
            Warehouse(
                id="W",
                name="w",
                location=HOME,
                region="r",
                capacity_units=10_000.0,
                initial_stock={"P": 2_000.0},
            )
        ],
        customers=[
            Customer(
                id=f"C{i}",
                name=f"c{i}",
                location=at,
                region="r",
                demand_per_day={"P": 50.0},
                service_minutes=service_minutes,
            )
            for i, at in enumerate(FAR)
        ],
        vehicles=[
            Vehicle(id=f"V{k}", name=f"v{k}", depot_id="W", capacity_units=1_000.0)
            for k in range(vehicles)
        ],
    )


def customer_at(cid: str, lat: float, lon: float, wants: dict[str, float]) -> Customer:
    """A customer of region "r" at (lat, lon) ordering `wants` a day."""
    location = Location(lat=lat, lon=lon)
    return Customer(id=cid, name=cid, location=location, region="r", demand_per_day=wants)


def quote(pid: str, per_day: float, lead: int, price: float) -> SupplyQuote:
    return SupplyQuote(
        product_id=pid, capacity_per_day=per_day, lead_time_days=lead, unit_price=price
    )


def supplier(sid: str, *quotes: SupplyQuote) -> Supplier:
    return Supplier(id=sid, name=sid, location=HOME, region="r", quotes=list(quotes))


def machine_offer(m: Machine, periods: int, **changes: object) -> MachineOffer:
    offer = MachineOffer(
        machine_id=m.id,
        plant_id=m.plant_id,
        health=1.0,
        capacity_hours=[m.hours_per_day] * periods,
        rates=dict(m.rates),
        setup_hours=m.setup_hours,
        maintenance_hours=m.maintenance_hours,
        repair_hours=m.repair_hours,
    )
    return offer.model_copy(update=changes)


def daily_demand(net: Network, periods: int, firm_periods: int = 1) -> list[DemandLine]:
    """Each customer's daily rate per product and period; firm orders for the first periods."""
    return [
        DemandLine(
            customer_id=c.id,
            product_id=p,
            period=t,
            quantity=q,
            order_id=f"O-{c.id}-{p}-{t}" if t < firm_periods else None,
        )
        for t in range(periods)
        for c in net.customers
        for p, q in sorted(c.demand_per_day.items())
        if q > 0
    ]


def snapshot_of(
    net: Network,
    periods: int = 3,
    *,
    demand: list[DemandLine] | None = None,
    machines: list[MachineOffer] | None = None,
    vehicles: list[VehicleOffer] | None = None,
    warehouses: list[WarehouseOffer] | None = None,
) -> NetworkSnapshot:
    """A plausible snapshot of `net` at START; any offer list can be replaced."""
    window = PlanningWindow(start=START, period_hours=24.0, periods=periods)
    return NetworkSnapshot(
        taken_at=START,
        window=window,
        network=net,
        machines=machines
        if machines is not None
        else [machine_offer(m, periods) for m in net.machines],
        suppliers=[
            SupplierOffer(
                supplier_id=s.id,
                quotes=[
                    LiveQuote(
                        product_id=q.product_id,
                        quantity_per_period=q.capacity_per_day,
                        lead_time_periods=q.lead_time_days,
                        unit_price=q.unit_price,
                    )
                    for q in s.quotes
                ],
            )
            for s in net.suppliers
        ],
        warehouses=warehouses
        if warehouses is not None
        else [
            WarehouseOffer(
                warehouse_id=w.id,
                stock=dict(w.initial_stock),
                capacity_units=w.capacity_units,
                free_units=max(0.0, w.capacity_units - sum(w.initial_stock.values())),
                cold_storage_ok=w.cold_storage,
            )
            for w in net.warehouses
        ],
        vehicles=vehicles
        if vehicles is not None
        else [
            VehicleOffer(
                vehicle_id=v.id,
                depot_id=v.depot_id,
                location=net.location_of(v.depot_id),
                capacity_units=v.capacity_units,
                refrigerated=v.refrigerated,
                remaining_shift_h=v.shift_hours,
            )
            for v in net.vehicles
        ],
        demand=demand if demand is not None else daily_demand(net, periods),
    )


def line(qty: float, period: int = 0, *, pid: str = "P", firm: bool = True) -> DemandLine:
    """A demand line of customer C."""
    return DemandLine(
        customer_id="C",
        product_id=pid,
        period=period,
        quantity=qty,
        order_id=f"O-{pid}-{period}" if firm else None,
    )


@pytest.fixture
def demo_snapshot(demo_scenario: Scenario) -> NetworkSnapshot:
    """The demo network over 3 days, as its agents would offer it at the start."""
    return snapshot_of(demo_scenario.network, 3)
