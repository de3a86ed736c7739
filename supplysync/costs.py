"""Prices the network spec does not carry, shared by the planner and the KPIs.

The network prices goods (unit values, quotes, holding costs, shortage
penalties) and vehicles (`cost_per_km`); machine hours, setups, maintenance,
downtime and line haul are not in it. `CostRates` holds those, so the money
figure a run is judged by and the prices the planner decides with start from
one set of defaults.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from supplysync.network import Frozen, Network

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


Units = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Money = Annotated[float, Field(allow_inf_nan=False)]


class RunTallies(Frozen):
    """What a run did, in physical units: the quantities `price_run` prices.

    By-product maps are keyed by product id, a missing product counting zero.
    Stock is what the network owns of a product: on hand plus in transit
    (supplier shipments, transfers, vehicle loads).
    """

    purchased: dict[tuple[str, str, float], Units] = Field(
        default_factory=dict, description="units shipped by (supplier id, product id, unit price)"
    )
    run_hours: Units = Field(0.0, description="producing machine hours")
    setups: int = Field(0, ge=0, description="changeovers to another product")
    maintenance_hours: Units = Field(0.0, description="planned maintenance hours")
    downtime_hours: Units = Field(0.0, description="unplanned downtime hours")
    vehicle_km: dict[str, Units] = Field(default_factory=dict, description="km driven by vehicle")
    transfer_units: Units = Field(0.0, description="units shipped between warehouses")
    transfer_unit_km: Units = Field(0.0, description="those units times their lane's road km")
    holding_cost: Money = Field(0.0, ge=0, description="carrying cost of the stock on hand")
    ordered: dict[str, Units] = Field(default_factory=dict, description="units due in the run")
    accepted: dict[str, Units] = Field(default_factory=dict, description="of those, accepted")
    on_time: dict[str, Units] = Field(default_factory=dict, description="of those, on time")
    spoiled: dict[str, Units] = Field(default_factory=dict, description="units written off")
    refused: dict[str, Units] = Field(
        default_factory=dict, description="units refused by a full warehouse"
    )
    stock_start: dict[str, Units] = Field(default_factory=dict, description="stock at the start")
    stock_end: dict[str, Units] = Field(default_factory=dict, description="stock at the end")


class RunCosts(Frozen):
    """The money figure of a run: what it cost, by component, in currency units.

    `total_cost` is the sum of the components; `price_run` is the one place
    that computes them. `inventory_change` settles the stock the run leaves
    behind at replacement cost, so a run is not won by selling off stock
    it does not replace, nor lost by building stock it keeps.
    """

    purchase_cost: Money = Field(0.0, ge=0, description="units suppliers shipped x unit price")
    production_cost: Money = Field(0.0, ge=0, description="machine run hours x production rate")
    setup_cost: Money = Field(0.0, ge=0, description="setups x price of a setup")
    maintenance_cost: Money = Field(
        0.0, ge=0, description="planned maintenance hours x maintenance rate"
    )
    holding_cost: Money = Field(0.0, ge=0, description="carrying cost of the stock on hand")
    transport_cost: Money = Field(
        0.0,
        ge=0,
        description="vehicle km x the vehicle's cost_per_km, plus transfer units x "
        "(transfer_base + transfer_per_km x road km)",
    )
    shortage_cost: Money = Field(
        0.0, ge=0, description="units ordered but not accepted x the product's shortage penalty"
    )
    lateness_cost: Money = Field(
        0.0, ge=0, description="units accepted late x late_share x shortage penalty"
    )
    spoilage_cost: Money = Field(0.0, ge=0, description="spoiled units x unit value")
    refused_cost: Money = Field(
        0.0, ge=0, description="units a full warehouse refused (lost) x unit value"
    )
    downtime_cost: Money = Field(0.0, ge=0, description="unplanned downtime hours x downtime rate")
    inventory_change: Money = Field(
        0.0,
        description="(stock at the start - stock at the end) x replacement cost; "
        "negative when the run leaves more stock than it found",
    )
    total_cost: Money = Field(0.0, description="the sum of the cost components above")

    @model_validator(mode="after")
    def _total_is_the_sum(self) -> RunCosts:
        parts = [getattr(self, name) for name in COMPONENTS]
        if not math.isclose(self.total_cost, math.fsum(parts), rel_tol=1e-9, abs_tol=1e-4):
            raise ValueError(f"total_cost {self.total_cost} is not the sum of its components")
        return self


COMPONENTS = tuple(name for name in RunCosts.model_fields if name != "total_cost")
"""The fields of `RunCosts` that `total_cost` adds up."""


def replacement_costs(network: Network, rates: CostRates) -> dict[str, float]:
    """What one more unit of each product costs the network to get.

    The cheaper of its cheapest quote and its cheapest machine hour per unit
    (`production_per_hour / rate` on the fastest machine); a product neither
    bought nor made is worth its `unit_value`.
    """
    costs: dict[str, float] = {}
    for product in network.products:
        prices = [
            q.unit_price for s in network.suppliers for q in s.quotes if q.product_id == product.id
        ]
        prices += [
            rates.production_per_hour / m.rates[product.id]
            for m in network.machines
            if product.id in m.rates
        ]
        costs[product.id] = min(prices, default=product.unit_value)
    return costs


def price_run(tallies: RunTallies, network: Network, rates: CostRates) -> RunCosts:
    """Price what a run did: the components of its money figure and their total.

    Every figure is rounded to a millionth, as the other KPIs are, and the
    total is the sum of the rounded components.
    """
    penalty = {p.id: p.shortage_penalty for p in network.products}
    value = {p.id: p.unit_value for p in network.products}
    replace = replacement_costs(network, rates)
    t = tallies
    short = {p: max(0.0, u - t.accepted.get(p, 0.0)) for p, u in t.ordered.items()}
    late = {p: max(0.0, u - t.on_time.get(p, 0.0)) for p, u in t.accepted.items()}
    change = {
        p: t.stock_start.get(p, 0.0) - t.stock_end.get(p, 0.0)
        for p in {*t.stock_start, *t.stock_end}
    }
    parts = {
        "purchase_cost": math.fsum(u * price for (_, _, price), u in t.purchased.items()),
        "production_cost": t.run_hours * rates.production_per_hour,
        "setup_cost": t.setups * rates.setup,
        "maintenance_cost": t.maintenance_hours * rates.maintenance_per_hour,
        "holding_cost": t.holding_cost,
        "transport_cost": math.fsum(
            [
                *(km * network.vehicle(v).cost_per_km for v, km in t.vehicle_km.items()),
                t.transfer_units * rates.transfer_base,
                t.transfer_unit_km * rates.transfer_per_km,
            ]
        ),
        "shortage_cost": _priced(short, penalty),
        "lateness_cost": rates.late_share * _priced(late, penalty),
        "spoilage_cost": _priced(t.spoiled, value),
        "refused_cost": _priced(t.refused, value),
        "downtime_cost": t.downtime_hours * rates.downtime_per_hour,
        "inventory_change": _priced(change, replace),
    }
    rounded = {name: round(parts[name], 6) for name in COMPONENTS}
    return RunCosts(**rounded, total_cost=round(math.fsum(rounded.values()), 6))


def _priced(units: Mapping[str, float], price: Mapping[str, float]) -> float:
    return math.fsum(u * price[p] for p, u in units.items())
