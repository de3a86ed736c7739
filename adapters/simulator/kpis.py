"""Ground-truth KPI counters and the arithmetic that turns them into `Kpis`."""

from __future__ import annotations

from dataclasses import dataclass

from supplysync.kpi import Kpis


@dataclass
class Tally:
    """Running totals the world models add to as time passes.

    Demand-side totals (units ordered, accepted, on time) live in the order
    ledger, which knows which orders fall due within the run.
    """

    carrying_cost: float = 0.0
    unplanned_downtime_h: float = 0.0
    planned_maintenance_h: float = 0.0
    cold_chain_breaches: int = 0
    spoiled_units: float = 0.0
    refused_units: float = 0.0
    distance_km: float = 0.0


def compute_kpis(tally: Tally, *, ordered: float, accepted: float, on_time: float) -> Kpis:
    """The KPIs of a run so far.

    Args:
        tally: the models' running totals.
        ordered: units of orders due within the run.
        accepted: units customers accepted against those orders.
        on_time: the part of `accepted` delivered on the due day within the
            customer's window.

    With nothing ordered the fill rate is 1 (no demand went unserved); with
    nothing delivered the on-time rate is 0, so an idle policy never looks
    punctual.
    """
    fill = accepted / ordered if ordered > 0 else 1.0
    punctual = on_time / accepted if accepted > 0 else 0.0
    return Kpis(
        fill_rate=min(1.0, max(0.0, fill)),
        on_time_rate=min(1.0, max(0.0, punctual)),
        inventory_carrying_cost=round(tally.carrying_cost, 6),
        unplanned_downtime_hours=round(tally.unplanned_downtime_h, 6),
        planned_maintenance_hours=round(tally.planned_maintenance_h, 6),
        cold_chain_breaches=tally.cold_chain_breaches,
        spoiled_units=round(tally.spoiled_units, 6),
        ordered_units=round(ordered, 6),
        delivered_units=round(accepted, 6),
        refused_units=round(tally.refused_units, 6),
        distance_km=round(tally.distance_km, 6),
    )
