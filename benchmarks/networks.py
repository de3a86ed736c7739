"""Seeded planning problems of a documented size, and the events that disturb them.

The replan benchmark and the optimizer tests need networks far larger than
the demo, reproducible from a seed, whose agents offer what a fresh network
would (full shifts, normal quotes, initial stock, every vehicle free, each
customer's daily rate ordered: the first two days firm). Sizes are fixed so
that benchmark figures compare across commits: M is 10 suppliers, 40
machines, 30 products, 12 warehouses, 200 customers and 40 vehicles over
7 days; S and L divide and multiply it by 4 and 2. Events change one
offer the way an agent would report it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

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
    Inbound,
    LiveQuote,
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.planning import PlanningWindow

START = datetime(2026, 3, 2, tzinfo=UTC)
EventKind = Literal["machine_derate", "demand_surge", "supplier_delay"]
EVENT_KINDS: tuple[EventKind, ...] = ("machine_derate", "demand_surge", "supplier_delay")


@dataclass(frozen=True)
class Size:
    """How many assets of each kind a generated network has."""

    suppliers: int
    machines: int
    products: int
    warehouses: int
    customers: int
    vehicles: int
    days: int = 7

    def __post_init__(self) -> None:
        for name in ("suppliers", "machines", "products", "warehouses", "customers", "vehicles"):
            if getattr(self, name) < 1:
                raise ValueError(f"Expected {name} >= 1.")
        if not 1 <= self.days <= 30:
            raise ValueError("Expected 1 <= days <= 30.")


SIZES = {
    "S": Size(suppliers=3, machines=10, products=8, warehouses=3, customers=50, vehicles=10),
    "M": Size(suppliers=10, machines=40, products=30, warehouses=12, customers=200, vehicles=40),
    "L": Size(suppliers=20, machines=80, products=60, warehouses=24, customers=400, vehicles=80),
}


def _near(rng: random.Random, at: Location, km: float) -> Location:
    return Location(
        lat=at.lat + rng.uniform(-km, km) / 111.0, lon=at.lon + rng.uniform(-km, km) / 70.0
    )


def generate_network(size: Size, seed: int = 0) -> Network:
    """A network of `size` on a 200 km grid of warehouses, one plant per two warehouses."""
    rng = random.Random(seed)
    products = [
        Product(
            id=f"P{i:02d}",
            name=f"product {i}",
            unit_value=rng.uniform(20, 200),
            holding_cost_per_day=rng.uniform(0.02, 0.3),
            shortage_penalty=rng.uniform(60, 400),
            **({"temp_min_c": 2.0, "temp_max_c": 8.0} if i % 10 == 9 else {}),
        )
        for i in range(size.products)
    ]
    pids = [p.id for p in products]
    cols = max(1, round(size.warehouses**0.5))
    sites = [
        Location(lat=44.0 + 2.0 * (i // cols), lon=-2.0 + 3.0 * (i % cols))
        for i in range(size.warehouses)
    ]
    warehouses = [
        Warehouse(
            id=f"W{i:02d}",
            name=f"warehouse {i}",
            location=at,
            region=f"r{i}",
            capacity_units=40 * size.customers * 3 / size.warehouses * 4,
            initial_stock={
                p: float(rng.randint(20, 120)) for p in rng.sample(pids, len(pids) // 2)
            },
            reorder_point={p: 20.0 for p in rng.sample(pids, max(1, len(pids) // 5))},
        )
        for i, at in enumerate(sites)
    ]
    plants = [
        Plant(
            id=f"PL{j:02d}",
            name=f"plant {j}",
            location=w.location,
            region=w.region,
            output_warehouse_id=w.id,
        )
        for j, w in enumerate(warehouses[::2])
    ]
    return Network(
        products=products,
        suppliers=[
            Supplier(
                id=f"S{i:02d}",
                name=f"supplier {i}",
                location=_near(rng, sites[0], 150),
                region="abroad",
                quotes=[
                    SupplyQuote(
                        product_id=p,
                        capacity_per_day=rng.uniform(100, 400),
                        lead_time_days=rng.randint(1, 3),
                        unit_price=rng.uniform(5, 60),
                    )
                    for p in rng.sample(pids, min(len(pids), 6))
                ],
            )
            for i in range(size.suppliers)
        ],
        plants=plants,
        machines=[
            Machine(
                id=f"M{i:02d}",
                name=f"machine {i}",
                plant_id=plants[i % len(plants)].id,
                rates={p: rng.uniform(4, 30) for p in rng.sample(pids, min(len(pids), 3))},
                setup_hours=rng.choice([0.5, 1.0, 2.0]),
            )
            for i in range(size.machines)
        ],
        warehouses=warehouses,
        customers=[
            Customer(
                id=f"C{i:03d}",
                name=f"customer {i}",
                location=_near(rng, sites[i % len(sites)], 40),
                region=f"r{i % len(sites)}",
                demand_per_day={
                    p: float(rng.randint(5, 40)) for p in rng.sample(pids, min(len(pids), 3))
                },
            )
            for i in range(size.customers)
        ],
        vehicles=[
            Vehicle(
                id=f"V{i:02d}",
                name=f"vehicle {i}",
                depot_id=warehouses[i % len(sites)].id,
                capacity_units=1200.0,
                refrigerated=i % 4 == 3,
            )
            for i in range(size.vehicles)
        ],
    )


def snapshot_for(net: Network, days: int, *, seed: int = 0) -> NetworkSnapshot:
    """What the agents of a fresh `net` offer at START; some supplier goods are on the road."""
    rng = random.Random(seed)
    window = PlanningWindow(start=START, period_hours=24.0, periods=days)
    suppliers = [
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
            inbound=[
                Inbound(
                    shipment_id=f"{s.id}-sh{k}",
                    product_id=q.product_id,
                    destination_id=rng.choice(net.warehouses).id,
                    quantity=float(rng.randint(50, 200)),
                    arrival_period=1 + k % 2,
                )
                for k, q in enumerate(s.quotes[:2])
            ],
        )
        for s in net.suppliers
    ]
    return NetworkSnapshot(
        taken_at=START,
        window=window,
        network=net,
        machines=[
            MachineOffer(
                machine_id=m.id,
                plant_id=m.plant_id,
                health=1.0,
                capacity_hours=[m.hours_per_day] * days,
                rates=dict(m.rates),
                setup_hours=m.setup_hours,
                maintenance_hours=m.maintenance_hours,
                repair_hours=m.repair_hours,
            )
            for m in net.machines
        ],
        suppliers=suppliers,
        warehouses=[
            WarehouseOffer(
                warehouse_id=w.id,
                stock=dict(w.initial_stock),
                capacity_units=w.capacity_units,
                free_units=w.capacity_units - sum(w.initial_stock.values()),
            )
            for w in net.warehouses
        ],
        vehicles=[
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
        demand=[
            DemandLine(
                customer_id=c.id,
                product_id=p,
                period=t,
                quantity=q,
                order_id=f"O-{c.id}-{p}-{t}" if t < 2 else None,
            )
            for t in range(days)
            for c in net.customers
            for p, q in sorted(c.demand_per_day.items())
        ],
    )


def apply_event(
    snap: NetworkSnapshot, kind: EventKind, rng: random.Random
) -> tuple[NetworkSnapshot, str]:
    """The snapshot after one event of `kind` on an asset drawn from `rng`, and its label.

    - ``machine_derate``: a machine offers 20 % fewer hours tomorrow.
    - ``demand_surge``: a customer orders 30 % more of everything.
    - ``supplier_delay``: a supplier's goods on the road arrive a day later
      and it quotes half its usual quantity.
    """
    if kind == "machine_derate":
        i = rng.randrange(len(snap.machines))
        m = snap.machines[i]
        hours = [h * 0.8 if t == 1 else h for t, h in enumerate(m.capacity_hours)]
        machines = [*snap.machines]
        machines[i] = m.model_copy(update={"capacity_hours": hours})
        return snap.model_copy(update={"machines": machines}), f"{m.machine_id} -20% tomorrow"
    if kind == "demand_surge":
        c = rng.choice(snap.network.customers).id
        demand = [
            d.model_copy(update={"quantity": d.quantity * 1.3}) if d.customer_id == c else d
            for d in snap.demand
        ]
        return snap.model_copy(update={"demand": demand}), f"{c} demand +30%"
    i = rng.randrange(len(snap.suppliers))
    s = snap.suppliers[i]
    late = [x.model_copy(update={"arrival_period": x.arrival_period + 1}) for x in s.inbound]
    quotes = [
        q.model_copy(update={"quantity_per_period": q.quantity_per_period / 2}) for q in s.quotes
    ]
    suppliers = [*snap.suppliers]
    suppliers[i] = s.model_copy(update={"inbound": late, "quotes": quotes})
    return snap.model_copy(update={"suppliers": suppliers}), f"{s.supplier_id} delayed"
