"""What each agent contributes to planning, and the snapshot the optimizer sees.

Negotiation runs through the optimizer: the coordinator asks every agent for
an offer (what it can give and what it needs), freezes them into one
`NetworkSnapshot`, and the optimizer turns that into a `Plan`. Periods are
indexes into the snapshot's `PlanningWindow`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from supplysync.control import FreezeRoute
from supplysync.events import Alert
from supplysync.network import Frozen, Id, Location, Network, NonNeg
from supplysync.planning import PlanningWindow

Period = Annotated[int, Field(ge=0)]
MAX_DEMAND_CV = 5.0
"""Widest demand swing a snapshot carries: daily demand five times its forecast's spread."""
MAX_DEMAND_LEVEL = 25.0
"""Highest demand level a snapshot carries: a region ordering 25 times its customers' rates."""
DemandLevels = dict[str, dict[Id, Annotated[float, Field(ge=0, le=MAX_DEMAND_LEVEL)]]]
"""Recent demand against the rates, by region (free text, as in `Customer.region`) and product."""


class ProductionRun(Frozen):
    """Make `quantity` of a product on a machine in a period (`hours` includes setup)."""

    machine_id: Id
    product_id: Id
    period: Period
    quantity: NonNeg
    hours: NonNeg


class MaintenanceWindow(Frozen):
    """Planned maintenance of a machine, starting at the beginning of a period."""

    machine_id: Id
    period: Period
    hours: NonNeg


class MachineOffer(Frozen):
    """Productive hours a machine can give per period, after derating and downtime.

    `maintenance_due_period` is set when the agent predicts a failure: the
    planner must schedule `maintenance_hours` of maintenance in a period no
    later than it, or plan around a machine that will be down for
    `repair_hours` afterwards.
    """

    machine_id: Id
    plant_id: Id
    health: Annotated[float, Field(ge=0, le=1)]
    down: bool = False
    capacity_hours: list[NonNeg]
    rates: dict[str, float]
    setup_hours: NonNeg
    maintenance_hours: NonNeg
    repair_hours: NonNeg
    predicted_failure_at: AwareDatetime | None = None
    maintenance_due_period: Period | None = None
    current_product: str | None = None
    committed: list[ProductionRun] = Field(default_factory=list)


class LiveQuote(Frozen):
    """A supplier's current quote for one product.

    `quantity_first_period` is what is left of the current period's capacity
    after the orders already shipped in it; None means all of it.
    """

    product_id: Id
    quantity_per_period: NonNeg
    lead_time_periods: Annotated[int, Field(ge=0)]
    unit_price: NonNeg
    quantity_first_period: NonNeg | None = None


class Inbound(Frozen):
    """Goods on their way to a warehouse, due in `arrival_period`.

    `eta` is when they should land, where something tracks them to the hour
    (a supplier's shipment with a live tracker); None where only the day is
    known.
    """

    shipment_id: str
    product_id: Id
    destination_id: Id
    quantity: NonNeg
    arrival_period: Period
    eta: AwareDatetime | None = None


class SupplierOffer(Frozen):
    """What a supplier quotes now, and what it already has on the road."""

    supplier_id: Id
    quotes: list[LiveQuote]
    inbound: list[Inbound] = Field(default_factory=list)
    late_shipments: list[str] = Field(default_factory=list)


class ReorderRequest(Frozen):
    """A product below its reorder point and how much the warehouse asks for."""

    product_id: Id
    quantity: NonNeg


class WarehouseOffer(Frozen):
    """Stock on hand, free space and requests of a warehouse."""

    warehouse_id: Id
    stock: dict[str, NonNeg]
    capacity_units: NonNeg
    free_units: NonNeg
    cold_storage_ok: bool = True
    reorder_requests: list[ReorderRequest] = Field(default_factory=list)
    inbound: list[Inbound] = Field(default_factory=list)


class VehicleOffer(Frozen):
    """Where a vehicle is, what it carries and whether it can take work."""

    vehicle_id: Id
    depot_id: Id
    location: Location
    capacity_units: NonNeg
    load: dict[str, NonNeg] = Field(default_factory=dict)
    available: bool = True
    refrigeration_ok: bool = True
    refrigerated: bool = False
    remaining_shift_h: NonNeg = 0.0
    committed_stops: list[str] = Field(default_factory=list)


class DemandLine(Frozen):
    """Demand of a customer for a product in a period.

    Firm orders carry `order_id`; lines without it are the forecast for
    periods no order covers yet. An order past its due day is planned in
    period 0 and says by `overdue` how many periods it has waited: its
    customer drops it when its grace runs out, while today's order left
    short can still be served late, so the longer it waited the more a
    unit short of it costs.
    """

    customer_id: Id
    product_id: Id
    period: Period
    quantity: NonNeg
    order_id: str | None = None
    overdue: Period = 0


class NetworkSnapshot(Frozen):
    """Everything the optimizer may know, frozen at one instant."""

    taken_at: AwareDatetime
    window: PlanningWindow
    network: Network
    machines: list[MachineOffer] = Field(default_factory=list)
    suppliers: list[SupplierOffer] = Field(default_factory=list)
    warehouses: list[WarehouseOffer] = Field(default_factory=list)
    vehicles: list[VehicleOffer] = Field(default_factory=list)
    demand: list[DemandLine] = Field(default_factory=list)
    demand_cv: float | None = Field(
        default=None,
        ge=0,
        le=MAX_DEMAND_CV,
        description="daily demand's coefficient of variation around the forecast, as seen so far",
    )
    demand_levels: DemandLevels = Field(
        default_factory=dict,
        description="recent orders against the customers' rates, by region and product "
        "(missing: 1): the forecast is each rate times its level",
    )
    causes: list[Alert] = Field(
        default_factory=list, description="the alerts among the causes of the replan it is for"
    )
    fixed_routes: list[FreezeRoute] = Field(
        default_factory=list, description="routes an operator froze; the plan keeps them"
    )

    def inbound(self) -> list[Inbound]:
        """Every shipment on its way, once: a supplier's shipment to a warehouse is in
        both offers (the warehouse's first)."""
        seen: set[str] = set()
        out = []
        for i in [
            *(i for w in self.warehouses for i in w.inbound),
            *(i for s in self.suppliers for i in s.inbound),
        ]:
            if i.shipment_id not in seen:
                seen.add(i.shipment_id)
                out.append(i)
        return out
