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
        end_cover_weight: share of a forecast line's penalty charged per unit
            of the window's tail demand left unserved (`optimizer.tail`):
            demand just after the window that only stock on hand or on the
            way can serve.
        end_safety_weight: where between a product's replacement cost (0)
            and a forecast line's penalty (1) a unit the tail ends under the
            safety stock is priced.
        urgency_weight: share of the penalty a unit short costs more for
            each period sooner, beyond what a unit kept a period earns
            (`PlanningData.urgency`): scarce stock serves the earliest
            orders first.
        buffer_weight: share of a forecast line's penalty charged per unit
            and period a warehouse's stock is below its safety stock (at
            least twice the holding cost, so a buffer arrives early).
        demand_cv: coefficient of variation of daily demand assumed until the
            order book has seen enough orders to estimate it.
        lead_sd_periods: standard deviation of a lead time, in periods: how
            far a delivery may slip (a supplier's delay, a breakdown), which
            the safety stock covers beside the demand's own swing.
        single_source_lead_sd_periods: the same for a product with one
            source (one supplier and no machine, or one machine and no
            supplier): when it slips nothing else can step in once the slip
            is seen, so the buffer must carry the slip itself, where a
            product with a second source carries only the days until the
            planner switches.
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
    forecast_weight: float = 0.9
    end_cover_weight: float = 0.8
    end_safety_weight: float = 0.5
    buffer_weight: float = 0.02
    urgency_weight: float = 0.01
    demand_cv: float = 0.3
    lead_sd_periods: float = 0.5
    single_source_lead_sd_periods: float = 1.0
    stability_per_unit: float = 0.05
    frozen_per_unit: float = 10_000.0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"Expected {f.name} >= 0.")
        for name in (
            "forecast_weight",
            "end_cover_weight",
            "end_safety_weight",
            "buffer_weight",
            "urgency_weight",
        ):
            if getattr(self, name) > 1:
                raise ValueError(f"Expected {name} <= 1.")
        if self.frozen_per_unit < self.stability_per_unit:
            raise ValueError("Expected frozen_per_unit >= stability_per_unit.")
