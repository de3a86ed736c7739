"""Prices the network spec does not carry, shared by the planner and the KPIs.

The network prices goods (unit values, quotes, holding costs, shortage
penalties) and vehicles (`cost_per_km`); machine hours, setups, maintenance,
downtime and line haul are not in it. `CostRates` holds those, so the money
figure a run is judged by and the prices the planner decides with start from
one set of defaults.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from supplysync.network import Frozen

ROAD_FACTOR = 1.3
"""Road kilometres per great-circle kilometre: roads wind around what lies between."""

Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class CostRates(Frozen):
    """Currency units charged for what a run does beyond the goods it moves.

    Scenario files may override any of them in an optional `[costs]` table.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    production_per_hour: Price = 40.0
    """One producing machine hour (labour, energy)."""
    setup: Price = 60.0
    """One changeover to another product (scrap, changeover labour)."""
    maintenance_per_hour: Price = 40.0
    """One hour of planned maintenance (the crew's labour)."""
    downtime_per_hour: Price = 250.0
    """One hour of unplanned downtime: lost output and emergency repair, so above maintenance."""
    transfer_base: Price = 0.5
    """Handling one unit moved between warehouses."""
    transfer_per_km: Price = 0.01
    """Line haul of one unit over one road km between warehouses."""
    late_share: Annotated[float, Field(ge=0, le=1)] = 0.2
    """Share of a product's shortage penalty charged per unit accepted but not on time."""
