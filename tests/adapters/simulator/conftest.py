"""Small hand-built worlds for the simulator tests.

Each fixture is the smallest network that exercises one model, built from
the vocabulary models so a change there shows up here. Helpers to wrap a
network in a scenario and a plan part in a command live in `builders.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supplysync.network import (
    Customer,
    Machine,
    Network,
    Plant,
    Supplier,
    SupplyQuote,
    Vehicle,
    Warehouse,
)
from tests.adapters.simulator.builders import COG, DUISBURG, ESSEN, GEAR, KREFELD, SERUM


@pytest.fixture
def plant_network() -> Callable[..., Network]:
    """One machine M (10 GEAR/h or 5 COG/h, 1 h setup, wear 0.01/h, shifts 06:00-24:00)
    feeding warehouse W: for production, wear, failure and maintenance."""

    def build(**machine: Any) -> Network:
        spec: dict[str, Any] = {
            "id": "M",
            "name": "Machine",
            "plant_id": "P",
            "rates": {"GEAR": 10.0, "COG": 5.0},
            "setup_hours": 1.0,
            "hours_per_day": 18.0,
            "wear_per_hour": 0.01,
            "maintenance_hours": 4.0,
            "repair_hours": 10.0,
        }
        spec.update(machine)
        return Network(
            products=[GEAR, COG],
            plants=[
                Plant(id="P", name="Plant", location=DUISBURG, region="r", output_warehouse_id="W")
            ],
            machines=[Machine(**spec)],
            warehouses=[
                Warehouse(
                    id="W", name="Store", location=DUISBURG, region="r", capacity_units=10_000
                )
            ],
        )

    return build


@pytest.fixture
def two_warehouses() -> Network:
    """Small warehouse A (capacity 100, 80 GEAR) and big B (1000, 500 GEAR), a
    supplier S and a machine M feeding A: for capacity, refusals and transfers."""
    return Network(
        products=[GEAR],
        suppliers=[
            Supplier(
                id="S",
                name="Supplier",
                location=KREFELD,
                region="r",
                quotes=[
                    SupplyQuote(
                        product_id="GEAR", capacity_per_day=500, lead_time_days=1, unit_price=5
                    )
                ],
            )
        ],
        plants=[
            Plant(id="P", name="Plant", location=DUISBURG, region="r", output_warehouse_id="A")
        ],
        machines=[Machine(id="M", name="M", plant_id="P", rates={"GEAR": 10.0}, hours_per_day=16)],
        warehouses=[
            Warehouse(
                id="A",
                name="Small",
                location=DUISBURG,
                region="r",
                capacity_units=100,
                initial_stock={"GEAR": 80},
            ),
            Warehouse(
                id="B",
                name="Big",
                location=ESSEN,
                region="r",
                capacity_units=1000,
                initial_stock={"GEAR": 500},
            ),
        ],
    )


@pytest.fixture
def delivery_network() -> Network:
    """Depot W in Duisburg, customers in Essen (C: window 8-18, LATE: 6-7,
    FAR: 10-18), a box van VAN and a reefer truck REEFER: for routes, proofs of
    delivery and the cold chain."""

    def customer(cid: str, open_h: float, close_h: float) -> Customer:
        return Customer(
            id=cid,
            name=cid,
            location=ESSEN,
            region="east",
            demand_per_day={"GEAR": 10, "SERUM": 5},
            window_open_h=open_h,
            window_close_h=close_h,
            service_minutes=15,
        )

    return Network(
        products=[GEAR, SERUM],
        warehouses=[
            Warehouse(
                id="W",
                name="Depot",
                location=DUISBURG,
                region="west",
                capacity_units=5000,
                initial_stock={"GEAR": 200, "SERUM": 50},
            )
        ],
        customers=[customer("C", 8, 18), customer("LATE", 6, 7), customer("FAR", 10, 18)],
        vehicles=[
            Vehicle(id="VAN", name="Van", depot_id="W", capacity_units=300, speed_kmh=60),
            Vehicle(
                id="REEFER",
                name="Reefer",
                depot_id="W",
                capacity_units=300,
                speed_kmh=60,
                refrigerated=True,
            ),
        ],
    )


@pytest.fixture
def supply_network() -> Network:
    """Supplier S in Krefeld (GEAR up to 100/day, SERUM up to 50/day) and
    warehouse W in Duisburg: for shipments, trackers and supplier delays."""
    return Network(
        products=[GEAR, SERUM],
        suppliers=[
            Supplier(
                id="S",
                name="Supplier",
                location=KREFELD,
                region="west",
                quotes=[
                    SupplyQuote(
                        product_id="GEAR", capacity_per_day=100, lead_time_days=1, unit_price=5
                    ),
                    SupplyQuote(
                        product_id="SERUM", capacity_per_day=50, lead_time_days=1, unit_price=50
                    ),
                ],
            )
        ],
        warehouses=[
            Warehouse(id="W", name="Store", location=DUISBURG, region="west", capacity_units=5000)
        ],
    )


@pytest.fixture
def kpi_network() -> Network:
    """Depot W (capacity 105, 100 GEAR at 0.1/unit-day), one customer C wanting
    10 GEAR a day and one van: small enough to work the KPIs out by hand."""
    return Network(
        products=[GEAR],
        warehouses=[
            Warehouse(
                id="W",
                name="Depot",
                location=DUISBURG,
                region="west",
                capacity_units=105,
                initial_stock={"GEAR": 100},
            )
        ],
        customers=[
            Customer(id="C", name="C", location=ESSEN, region="east", demand_per_day={"GEAR": 10})
        ],
        vehicles=[Vehicle(id="VAN", name="Van", depot_id="W", capacity_units=300)],
    )
