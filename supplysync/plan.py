"""Plans: what the optimizer (or a baseline policy) decided.

A plan is a value: optimal, stopped at a time limit, or covering demand it
cannot serve with priced shortages and their reasons. It records the alerts
that caused it, what changed from the plan before, and how it was made
(`PlanMaking`: typed, for code; `notes` are for people).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field

from supplysync.network import Frozen, Id, NonNeg
from supplysync.offers import MaintenanceWindow, Period, ProductionRun
from supplysync.planning import PlanningWindow


class PlanStatus(StrEnum):
    """How a plan came about. Only `ERROR` means there is no usable plan."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    FEASIBLE = "feasible"
    HEURISTIC = "heuristic"
    STALE = "stale"
    ERROR = "error"

    @property
    def is_ok(self) -> bool:
        return self is not PlanStatus.ERROR


class PurchaseOrder(Frozen):
    """Buy from a supplier; ships in `order_period`, arrives in `arrival_period`."""

    po_id: str
    supplier_id: Id
    product_id: Id
    destination_id: Id
    quantity: NonNeg
    order_period: Period
    arrival_period: Period
    unit_price: NonNeg


class Transfer(Frozen):
    """Move stock between warehouses (line haul, not the delivery fleet)."""

    transfer_id: str
    origin_id: Id
    destination_id: Id
    product_id: Id
    quantity: NonNeg
    ship_period: Period
    arrival_period: Period


class Delivery(Frozen):
    """Serve a customer from a warehouse in a period; `order_id` for firm orders."""

    customer_id: Id
    product_id: Id
    warehouse_id: Id
    period: Period
    quantity: NonNeg
    order_id: str | None = None


class Stop(Frozen):
    """One visit on a route; times are hours after the period start."""

    site_id: Id
    arrive_h: NonNeg
    depart_h: NonNeg
    drop: dict[str, NonNeg] = Field(default_factory=dict)
    order_ids: list[str] = Field(default_factory=list)


class Route(Frozen):
    """A vehicle's tour in one period, back to its depot.

    A tour starts at the depot, except a frozen one: the rest of a trip under
    way, from where the vehicle is through its committed stops. Times are
    hours after the period start: it leaves at `departs_h` (a frozen one: the
    hour it was planned from, where the vehicle then was) and is back at the
    depot `duration_h` later.
    """

    vehicle_id: Id
    period: Period
    depot_id: Id
    stops: list[Stop]
    load: dict[str, NonNeg] = Field(default_factory=dict)
    distance_km: NonNeg = 0.0
    departs_h: NonNeg | None = Field(
        default=None, description="when it leaves; None in a plan stored without it"
    )
    duration_h: NonNeg = 0.0
    method: str = Field(description="the algorithm that sequenced the stops")
    frozen: bool = Field(
        default=False,
        description="work under way (a vehicle out on committed stops): shown, never dispatched",
    )


class Shortage(Frozen):
    """Demand the plan does not serve, its price, and what limits it."""

    customer_id: Id
    product_id: Id
    period: Period
    quantity: Annotated[float, Field(gt=0)]
    penalty: NonNeg
    reason: str
    binding: list[str] = Field(default_factory=list)


class PlanDiff(Frozen):
    """What a plan changed relative to the previous one, where, and why.

    `units_by_asset` sums the units moved in each asset's work (machine,
    supplier, both warehouses of a transfer, the delivering warehouse);
    `causes` repeats the new plan's causes so the diff reads on its own.
    """

    previous_plan_id: str | None
    production_moved: NonNeg = 0.0
    purchases_changed: NonNeg = 0.0
    transfers_changed: NonNeg = 0.0
    deliveries_changed: NonNeg = 0.0
    assets_changed: list[str] = Field(default_factory=list)
    units_by_asset: dict[str, NonNeg] = Field(default_factory=dict)
    causes: list[str] = Field(default_factory=list)


class PlanMode(StrEnum):
    """The way a plan was made."""

    FULL = "full"
    """The MILP over every decision: a dive (the LP relaxation rounded up), then the MIP
    when the rounding is not within the gap asked for."""
    REPAIR = "repair"
    """Only the on/off decisions an event touched re-decided; the plan in force's others kept."""
    KEPT = "kept"
    """No new plan in time: the plan in force stays (status `STALE`)."""
    NONE = "none"
    """No plan, and none in force to keep (status `ERROR`)."""
    RULE = "rule"
    """The reorder-point rule (`optimizer.baselines`), no solver."""
    FALLBACK = "fallback"
    """The rule's plan sent because the planner asked first had none of its own to send."""


class RepairedKeys(Frozen):
    """What a repair re-decided: the assets and products the event touched.

    The on/off decisions (setups, maintenance, routes) of these were free;
    every other one stayed as the plan in force has it.
    """

    machines: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    customers: list[str] = Field(default_factory=list)
    depots: list[str] = Field(default_factory=list)
    redecided: int = Field(default=0, ge=0, description="on/off decisions left free")
    kept: int = Field(default=0, ge=0, description="on/off decisions fixed as in force")


class PlanMaking(Frozen):
    """How a plan was made, as the planner knows it: what code and tests read.

    `Plan.notes` say the same for people and are never parsed. Every field
    but `mode` has a default, so a record says only what its method knows.

    Attributes:
        mode: the way the plan was made.
        bound: the best lower bound on the objective the method proved: for
            `full` of every plan (the LP relaxation's, or the MIP's if
            better); for `repair` of every re-decision of the repaired keys
            only. None when nothing was bounded.
        gap: the plan's relative distance from `bound` (as HiGHS measures a
            MIP gap), in the same scope.
        time_limited: the search stopped at a time limit (HiGHS's own, or the
            replan's budget) before proving the gap asked for.
        rounded: the plan is an LP relaxation rounded up and re-priced (a
            full solve's dive that the MIP did not improve on, or a repair's
            rounding), not a MIP's or the plan in force re-priced.
        dive_gap: a full solve's dive: its rounded plan's gap to the LP
            bound; None when no dive ran (or its LPs failed).
        rebuilt: the model was built for this replan (True) or the one kept
            from the last replan updated (False); None when no model was used.
        repaired: for `repair`, the keys re-decided.
        kept_plan_id: for `kept`, the plan in force that stays.
        reason: why there is no new plan of the planner's own (`kept`,
            `none`, `fallback`): the solver's outcome or the budget.
        withdrawn: assets that rejected their commands; the plan was made
            again without them.
        aggregated_zones: the plan was made over this many warehouse zones
            and split back onto the member assets; None when not aggregated.
    """

    mode: PlanMode
    bound: float | None = None
    gap: NonNeg | None = None
    time_limited: bool = False
    rounded: bool = False
    dive_gap: NonNeg | None = None
    rebuilt: bool | None = None
    repaired: RepairedKeys | None = None
    kept_plan_id: str | None = None
    reason: str | None = None
    withdrawn: list[str] = Field(default_factory=list)
    aggregated_zones: int | None = Field(default=None, ge=1)


class Plan(Frozen):
    """A complete decision for one planning window."""

    plan_id: str
    policy: str
    created_at: AwareDatetime
    window: PlanningWindow
    status: PlanStatus
    objective: float | None = None
    mip_gap: float | None = None
    build_seconds: NonNeg = 0.0
    solve_seconds: NonNeg = 0.0
    production: list[ProductionRun] = Field(default_factory=list)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)
    purchases: list[PurchaseOrder] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    shortages: list[Shortage] = Field(default_factory=list)
    causes: list[str] = Field(default_factory=list, description="alert ids that triggered it")
    notes: list[str] = Field(default_factory=list, description="for people; never parsed")
    diff: PlanDiff | None = None
    how: PlanMaking | None = Field(
        default=None,
        description="how it was made; None for plans stored before it was recorded"
        " and planners (plugins) that do not say",
    )


class PlanSummary(Frozen):
    """A plan's headline: what the stream announces, the history lists and the KPIs count.

    The store keeps one per plan beside the plan (`adapters.store.read_models`),
    so lists and KPIs never load whole plans.
    """

    plan_id: str
    policy: str
    created_at: AwareDatetime
    status: PlanStatus
    objective: float | None
    build_seconds: float = 0.0
    solve_seconds: float
    production_runs: int
    purchases: int
    transfers: int
    deliveries: int
    routes: int
    shortage_units: float
    causes: list[str]
    diff: PlanDiff | None
    mode: PlanMode | None = Field(
        default=None, description="`Plan.how.mode`; None when the plan does not say"
    )

    @classmethod
    def of(cls, plan: Plan) -> PlanSummary:
        return cls(
            plan_id=plan.plan_id,
            policy=plan.policy,
            created_at=plan.created_at,
            status=plan.status,
            objective=plan.objective,
            build_seconds=plan.build_seconds,
            solve_seconds=plan.solve_seconds,
            production_runs=len(plan.production),
            purchases=len(plan.purchases),
            transfers=len(plan.transfers),
            deliveries=len(plan.deliveries),
            routes=len(plan.routes),
            shortage_units=round(sum(s.quantity for s in plan.shortages), 6),
            causes=list(plan.causes),
            diff=plan.diff,
            mode=None if plan.how is None else plan.how.mode,
        )
