"""The static description of a supply network.

A network is the part of a scenario that does not change while it runs:
where the sites are, what the products need, what each asset can do. Live
state (stock, health, positions) belongs to the agents, not here.

Ids are unique across the whole network so that an alert, a reading or a
command can name any asset by id alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
NonNeg = Annotated[float, Field(ge=0)]
MAX_SEQ = 2**53 - 1
"""Highest sequence number: above it a JSON number no longer holds every integer."""
Pos = Annotated[float, Field(gt=0)]
SHIFT_START_HOUR = 6.0
"""A machine's daily shift starts at 06:00 UTC and lasts its `Machine.hours_per_day`."""


class Frozen(BaseModel):
    """Base for immutable, strictly validated records.

    Unknown fields are errors, and so is a number that is not finite: JSON
    has no Infinity, so a stored one would come back as null and fail to load.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Location(Frozen):
    """A point on the earth, in decimal degrees (WGS 84)."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]

    def km_to(self, other: Location) -> float:
        """Great-circle distance in kilometres (haversine, mean earth radius)."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp, dl = p2 - p1, math.radians(other.lon - self.lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Product(Frozen):
    """A stock-keeping unit.

    A product with a storage temperature range whose upper bound is at most
    8 °C needs the cold chain: it may travel only on refrigerated vehicles and
    spoils after `max_excursion_hours` outside its range. Even on a reefer
    it may spend at most `max_hours_out_of_storage` between leaving a
    warehouse's cold room and its delivery (door openings at every stop warm
    the load), so routes put it early or not at all.
    """

    id: Id
    name: str
    unit_value: Pos = Field(description="value of one unit, currency units")
    holding_cost_per_day: NonNeg = Field(description="carrying cost of one unit for one day")
    shortage_penalty: Pos = Field(description="cost of one unit of demand not served")
    temp_min_c: float | None = None
    temp_max_c: float | None = None
    shelf_life_days: Pos = 365.0
    max_excursion_hours: NonNeg = 2.0
    max_hours_out_of_storage: Pos | None = Field(
        default=None,
        description="cold chain: most hours from leaving a warehouse to delivery (None: no limit)",
    )

    @model_validator(mode="after")
    def _range_is_ordered(self) -> Product:
        if (self.temp_min_c is None) != (self.temp_max_c is None):
            raise ValueError("temp_min_c and temp_max_c must be given together")
        if (
            self.temp_min_c is not None
            and self.temp_max_c is not None
            and self.temp_min_c >= self.temp_max_c
        ):
            raise ValueError("temp_min_c must be below temp_max_c")
        return self

    @property
    def cold_chain(self) -> bool:
        """Whether the product must stay refrigerated (upper bound at most 8 °C)."""
        return self.temp_max_c is not None and self.temp_max_c <= 8.0


class SupplyQuote(Frozen):
    """What a supplier offers for one product under normal conditions."""

    product_id: Id
    capacity_per_day: Pos
    lead_time_days: Annotated[int, Field(ge=0, le=60)]
    unit_price: Pos


class Supplier(Frozen):
    """An external source of products; its shipments carry trackers."""

    id: Id
    name: str
    location: Location
    region: str
    quotes: Annotated[list[SupplyQuote], Field(min_length=1)]


class Plant(Frozen):
    """A production site. Its output lands in `output_warehouse_id`."""

    id: Id
    name: str
    location: Location
    region: str
    output_warehouse_id: Id


class Machine(Frozen):
    """A production machine with wear.

    Health runs from 1 (new) to 0 (failure). It falls by `wear_per_hour` for
    each hour the machine runs; at zero the machine breaks down for
    `repair_hours`. Planned maintenance takes `maintenance_hours` and restores
    health to 1.
    """

    id: Id
    name: str
    plant_id: Id
    rates: Annotated[dict[str, Pos], Field(min_length=1, description="units/hour per product id")]
    setup_hours: NonNeg = 1.0
    hours_per_day: Annotated[float, Field(gt=0, le=24)] = 16.0
    initial_health: Annotated[float, Field(gt=0, le=1)] = 1.0
    wear_per_hour: Annotated[float, Field(ge=0, le=0.5)] = 0.002
    maintenance_hours: Pos = 6.0
    repair_hours: Pos = 48.0


class Warehouse(Frozen):
    """A stocking point with a capacity in units (all products share it)."""

    id: Id
    name: str
    location: Location
    region: str
    capacity_units: Pos
    cold_storage: bool = True
    initial_stock: dict[str, NonNeg] = Field(default_factory=dict)
    reorder_point: dict[str, NonNeg] = Field(default_factory=dict)
    order_quantity: dict[str, Pos] = Field(default_factory=dict)


class Customer(Frozen):
    """A delivery point with a daily demand rate and a receiving window."""

    id: Id
    name: str
    location: Location
    region: str
    demand_per_day: dict[str, NonNeg]
    window_open_h: Annotated[float, Field(ge=0, le=24)] = 8.0
    window_close_h: Annotated[float, Field(ge=0, le=24)] = 18.0
    service_minutes: NonNeg = 15.0

    @model_validator(mode="after")
    def _window_is_ordered(self) -> Customer:
        if self.window_open_h >= self.window_close_h:
            raise ValueError("window_open_h must be before window_close_h")
        return self


class Vehicle(Frozen):
    """A delivery vehicle based at a warehouse."""

    id: Id
    name: str
    depot_id: Id
    capacity_units: Pos
    speed_kmh: Pos = 60.0
    refrigerated: bool = False
    shift_hours: Annotated[float, Field(gt=0, le=24)] = 10.0
    cost_per_km: NonNeg = 1.0
    fuel_l_per_100km: Pos = 25.0


class Device(Frozen):
    """One registered sensor device: the asset it reports for and where its sequence starts.

    Registering is optional. An asset that lists devices accepts readings
    from those devices only (the ingest refuses any other `device_id` as a
    dead letter), and a device's first reading is checked against its
    `first_seq`: one heard of first at a higher number lost the readings
    before it. A device not registered starts at 0 (docs/sensors.md); a
    device installed with a counter already running is registered with it.
    """

    id: Id
    asset_id: Id
    first_seq: Annotated[int, Field(ge=0, le=MAX_SEQ)] = 0


class Network(Frozen):
    """All assets of one supply network, with cross references checked."""

    products: Annotated[list[Product], Field(min_length=1)]
    suppliers: list[Supplier] = Field(default_factory=list)
    plants: list[Plant] = Field(default_factory=list)
    machines: list[Machine] = Field(default_factory=list)
    warehouses: Annotated[list[Warehouse], Field(min_length=1)]
    customers: list[Customer] = Field(default_factory=list)
    vehicles: list[Vehicle] = Field(default_factory=list)
    devices: list[Device] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Network:
        seen: set[str] = set()
        for group in (
            self.products,
            self.suppliers,
            self.plants,
            self.machines,
            self.warehouses,
            self.customers,
            self.vehicles,
        ):
            for item in group:
                if item.id in seen:
                    raise ValueError(f"duplicate id {item.id!r}")
                seen.add(item.id)
        products = {p.id for p in self.products}
        plants = {p.id for p in self.plants}
        warehouses = {w.id for w in self.warehouses}
        for s in self.suppliers:
            _known(products, (q.product_id for q in s.quotes), f"supplier {s.id} quote")
        for p in self.plants:
            _known(warehouses, [p.output_warehouse_id], f"plant {p.id} output_warehouse_id")
        for m in self.machines:
            _known(plants, [m.plant_id], f"machine {m.id} plant_id")
            _known(products, m.rates, f"machine {m.id} rates")
        for w in self.warehouses:
            for field in (w.initial_stock, w.reorder_point, w.order_quantity):
                _known(products, field, f"warehouse {w.id}")
        for c in self.customers:
            _known(products, c.demand_per_day, f"customer {c.id} demand_per_day")
        for v in self.vehicles:
            _known(warehouses, [v.depot_id], f"vehicle {v.id} depot_id")
        assets = set(self.asset_kinds())
        devices: set[str] = set()
        for d in self.devices:
            _known(assets, [d.asset_id], f"device {d.id} asset_id")
            if d.id in devices:
                raise ValueError(f"duplicate device id {d.id!r}")
            devices.add(d.id)
        return self

    def product(self, product_id: str) -> Product:
        """The product with this id (KeyError if unknown)."""
        return _by_id(self.products, product_id)

    def warehouse(self, warehouse_id: str) -> Warehouse:
        """The warehouse with this id (KeyError if unknown)."""
        return _by_id(self.warehouses, warehouse_id)

    def machine(self, machine_id: str) -> Machine:
        """The machine with this id (KeyError if unknown)."""
        return _by_id(self.machines, machine_id)

    def supplier(self, supplier_id: str) -> Supplier:
        """The supplier with this id (KeyError if unknown)."""
        return _by_id(self.suppliers, supplier_id)

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """The vehicle with this id (KeyError if unknown)."""
        return _by_id(self.vehicles, vehicle_id)

    def location_of(self, site_id: str) -> Location:
        """Where a supplier, plant, warehouse or customer is."""
        for group in (self.warehouses, self.customers, self.suppliers, self.plants):
            for site in group:
                if site.id == site_id:
                    return site.location
        raise KeyError(site_id)

    def asset_kinds(self) -> dict[str, str]:
        """Map every agent-bearing asset id to its kind."""
        kinds: dict[str, str] = {}
        kinds.update({s.id: "supplier" for s in self.suppliers})
        kinds.update({m.id: "machine" for m in self.machines})
        kinds.update({w.id: "warehouse" for w in self.warehouses})
        kinds.update({v.id: "vehicle" for v in self.vehicles})
        return kinds


def _known(ids: set[str], refs: Iterable[str], where: str) -> None:
    for ref in refs:
        if ref not in ids:
            raise ValueError(f"{where} names unknown id {ref!r}")


_T = TypeVar("_T", bound=Frozen)


def _by_id(items: list[_T], item_id: str) -> _T:
    for item in items:
        if getattr(item, "id", None) == item_id:
            return item
    raise KeyError(item_id)
