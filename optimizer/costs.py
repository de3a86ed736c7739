"""Cost coefficients the planner prices decisions with.

The network gives product values, holding costs and shortage penalties.
Machine hours, setups and line haul are priced by `supplysync.costs.CostRates`,
which the KPIs' money figure uses too; the planner's defaults for them are
taken from there so that both start from one definition. The rest is the
planner's own: weights that steer a rolling-horizon model (forecast share,
safety stock, stability, overflow) and have no counterpart in what a run
really costs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from supplysync.costs import CostRates

_RATES = CostRates()


@dataclass(frozen=True)
class CostModel:
    """Prices of the decisions that the network spec does not price.

    Attributes:
        production_per_hour: cost of one machine hour (labour, energy).
        setup: cost of one setup (scrap, changeover labour).
        delivery_per_km: cost of carrying one unit one road km to a customer,
            so that the local warehouse is preferred.
        transfer_base: handling cost of one unit moved between warehouses.
        transfer_per_km: line-haul cost of one unit per road km.
        overflow_per_unit: price of one unit above a warehouse's capacity for
            one period; high, it exists only so that stock already on hand
            above capacity never makes the model infeasible.
        maintenance_delay: cost per period of postponing due maintenance, so
            that with spare capacity the planner maintains early (a predicted
            failure may come sooner than predicted).
        forecast_weight: share of the shortage penalty charged for forecast
            (not yet ordered) demand.
        safety_stock_weight: share of a product's unit value charged per unit
            a warehouse ends the horizon below its reorder point; without it a
            rolling horizon plans stock down to zero at its end.
        stability_per_unit: price of each unit a replan moves away from the
            previous plan's work (see `optimizer.stability`); small next to
            shortage penalties, large enough to break ties toward the old
            plan, so that only a cause moves an assignment.
        frozen_per_unit: the same price inside the frozen horizon; above any
            shortage penalty, so frozen work moves only when impossible.
    """

    production_per_hour: float = _RATES.production_per_hour
    setup: float = _RATES.setup
    delivery_per_km: float = 0.02
    transfer_base: float = _RATES.transfer_base
    transfer_per_km: float = _RATES.transfer_per_km
    overflow_per_unit: float = 1000.0
    maintenance_delay: float = 1.0
    forecast_weight: float = 0.5
    safety_stock_weight: float = 1.0
    stability_per_unit: float = 0.05
    frozen_per_unit: float = 10_000.0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"Expected {f.name} >= 0.")
        if self.forecast_weight > 1:
            raise ValueError("Expected forecast_weight <= 1.")
        if self.frozen_per_unit < self.stability_per_unit:
            raise ValueError("Expected frozen_per_unit >= stability_per_unit.")
