"""Routes after the MILP: for plans too large to choose routes inside the model.

On a folded network of thousands of assets the MILP with route columns is
out of reach of a replan (10,000 assets in 24 zones: 158k columns and 124k
rows for one routed day, 93 s to solve, against 0.4 s without routes, in a
trial at 10 units a day a line). So
there the MILP decides flows only, each zone's deliveries within its fleet's
capacity and its working reefers' (`PlanningData.fleet_capacity`,
`cold_capacity`), and the routing engine then sequences the deliveries of
the first routed periods per depot and period (`optimizer.routing`, as the
reorder-point rule routes its own): cluster first, route second. What no
vehicle can take in time becomes a shortage with reason "fleet". Trips
under way (frozen routes the MILP's plan shows) are kept.
"""

from __future__ import annotations

from optimizer.data import planning_data
from optimizer.routing import fleet_shortages, route_deliveries
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


def routed_after(plan: Plan, snapshot: NetworkSnapshot, settings: PlanningSettings) -> Plan:
    """`plan` with its first `settings.routed_periods` periods' deliveries routed."""
    data = planning_data(snapshot, settings)
    near = [d for d in plan.deliveries if d.period < settings.routed_periods]
    later = [d for d in plan.deliveries if d.period >= settings.routed_periods]
    routing = route_deliveries(data, near)
    return plan.model_copy(
        update={
            "deliveries": [*routing.delivered, *later],
            "routes": [*(r for r in plan.routes if r.frozen), *routing.routes],
            "shortages": [*plan.shortages, *fleet_shortages(data, routing.unplaced)],
            "notes": [
                *plan.notes,
                f"routes of the first {settings.routed_periods} periods sequenced after the "
                f"MILP by the routing engine, per depot and period",
            ],
        }
    )
