"""Key performance indicators of one simulated run under one policy."""

from __future__ import annotations

from pydantic import Field

from supplysync.costs import RunCosts
from supplysync.network import Frozen, NonNeg


class ServiceKpis(Frozen):
    """How well a run served demand and kept its assets.

    Rates are fractions in [0, 1]; costs are in currency units; times in hours
    unless the name says otherwise.
    """

    fill_rate: float = Field(ge=0, le=1, description="units delivered unspoiled / units ordered")
    on_time_rate: float = Field(
        ge=0, le=1, description="units delivered in window on due day / delivered"
    )
    inventory_carrying_cost: NonNeg
    unplanned_downtime_hours: NonNeg
    planned_maintenance_hours: NonNeg = 0.0
    cold_chain_breaches: int = Field(ge=0)
    spoiled_units: NonNeg
    ordered_units: NonNeg = 0.0
    delivered_units: NonNeg = 0.0
    refused_units: NonNeg = Field(0.0, description="receipts refused by a full warehouse")
    distance_km: NonNeg = 0.0
    replans: int = Field(0, ge=0)
    replan_latency_p50_ms: NonNeg = 0.0
    replan_latency_max_ms: NonNeg = 0.0


class Kpis(RunCosts, ServiceKpis):
    """Outcomes measured by the simulator (ground truth) and the replanning loop.

    The service figures come first, then the money figure (`RunCosts`): its
    components and `total_cost`, one number to compare policies by.
    """
