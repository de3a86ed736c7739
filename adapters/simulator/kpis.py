"""Ground-truth KPI counters and the arithmetic that turns them into `Kpis`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from supplysync.costs import CostRates, RunTallies, price_run
from supplysync.kpi import Kpis
from supplysync.network import Network


@dataclass
class Tally:
    """Running totals the world models add to as time passes.

    Demand-side totals (units ordered, accepted, on time) live in the order
    ledger, which knows which orders fall due within the run; stock is
    counted where it is, when the KPIs are asked for.

    Attributes:
        purchased: units suppliers shipped, by (supplier, product, quoted
            unit price).
        run_hours: producing machine hours (setups, repairs and maintenance
            are not production).
        setups: changeovers that cost setup time.
        spoiled: units written off, by product.
        refused: units a full warehouse turned away, by product.
        vehicle_km: km driven, by vehicle.
        transfer_units: units shipped between warehouses.
        transfer_unit_km: those units times the road km of their lane.
    """

    carrying_cost: float = 0.0
    unplanned_downtime_h: float = 0.0
    planned_maintenance_h: float = 0.0
    run_hours: float = 0.0
    setups: int = 0
    cold_chain_breaches: int = 0
    purchased: defaultdict[tuple[str, str, float], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    spoiled: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    refused: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    vehicle_km: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    transfer_units: float = 0.0
    transfer_unit_km: float = 0.0

    @property
    def spoiled_units(self) -> float:
        return sum(self.spoiled.values())

    @property
    def refused_units(self) -> float:
        return sum(self.refused.values())

    @property
    def distance_km(self) -> float:
        return sum(self.vehicle_km.values())


def compute_kpis(
    tally: Tally,
    *,
    ordered: Mapping[str, float],
    accepted: Mapping[str, float],
    on_time: Mapping[str, float],
    stock_start: Mapping[str, float],
    stock_end: Mapping[str, float],
    network: Network,
    rates: CostRates,
) -> Kpis:
    """The KPIs of a run so far.

    Args:
        tally: the models' running totals.
        ordered: units of orders due within the run, by product.
        accepted: units customers accepted against those orders, by product.
        on_time: the part of `accepted` delivered on the due day within the
            customer's window, by product.
        stock_start: what the network owned of each product at the start.
        stock_end: what it owns now, on hand and in transit.
        network: prices goods and vehicles.
        rates: prices the rest of the money figure.

    With nothing ordered the fill rate is 1 (no demand went unserved); with
    nothing delivered the on-time rate is 0, so an idle policy never looks
    punctual.
    """
    ordered_units, accepted_units = sum(ordered.values()), sum(accepted.values())
    fill = accepted_units / ordered_units if ordered_units > 0 else 1.0
    punctual = sum(on_time.values()) / accepted_units if accepted_units > 0 else 0.0
    money = price_run(
        RunTallies(
            purchased=dict(tally.purchased),
            run_hours=tally.run_hours,
            setups=tally.setups,
            maintenance_hours=tally.planned_maintenance_h,
            downtime_hours=tally.unplanned_downtime_h,
            vehicle_km=dict(tally.vehicle_km),
            transfer_units=tally.transfer_units,
            transfer_unit_km=tally.transfer_unit_km,
            holding_cost=tally.carrying_cost,
            ordered=dict(ordered),
            accepted=dict(accepted),
            on_time=dict(on_time),
            spoiled=dict(tally.spoiled),
            refused=dict(tally.refused),
            stock_start=dict(stock_start),
            stock_end=dict(stock_end),
        ),
        network,
        rates,
    )
    return Kpis(
        fill_rate=min(1.0, max(0.0, fill)),
        on_time_rate=min(1.0, max(0.0, punctual)),
        inventory_carrying_cost=round(tally.carrying_cost, 6),
        unplanned_downtime_hours=round(tally.unplanned_downtime_h, 6),
        planned_maintenance_hours=round(tally.planned_maintenance_h, 6),
        cold_chain_breaches=tally.cold_chain_breaches,
        spoiled_units=round(tally.spoiled_units, 6),
        ordered_units=round(ordered_units, 6),
        delivered_units=round(accepted_units, 6),
        refused_units=round(tally.refused_units, 6),
        distance_km=round(tally.distance_km, 6),
        **money.model_dump(),
    )
