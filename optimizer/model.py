"""The whole MILP: every builder's part in one model, and a solved model read back as a plan.

Builder → frozen data → solve → result: `planning_data` freezes the
snapshot, the production, replenishment and stability builders add their
parts to one Pyomo model (`build_model`), `solve` runs HiGHS, and
`assemble` maps the values and has the route heuristic sequence the
deliveries.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from optimizer.data import PlanningData
from optimizer.production import add_production
from optimizer.replenishment import add_replenishment
from optimizer.result import read_parts
from optimizer.routing import fleet_shortages, route_deliveries
from optimizer.solve import SolveResult
from optimizer.stability import add_stability
from supplysync.plan import Plan


def build_model(data: PlanningData) -> pyo.ConcreteModel:
    """One Pyomo model with every builder's part and their summed cost.

    Stability targets and weights start at 0; `set_targets` fills them in.
    """
    model = pyo.ConcreteModel(name="supplysync")
    production = add_production(model, data)
    flow_cost = add_replenishment(model, data, production.output)
    keep_cost = add_stability(model, data)
    model.cost = pyo.Objective(expr=production.cost + flow_cost + keep_cost, sense=pyo.minimize)
    return model


def assemble(
    model: pyo.ConcreteModel,
    data: PlanningData,
    outcome: SolveResult,
    header: dict[str, Any],
) -> Plan:
    """The plan of a solved model (its solution loaded), or an empty one when there is none."""
    plan_id = header["plan_id"]
    header = {**header, "status": outcome.status, "solve_seconds": outcome.seconds}
    if not outcome.has_solution:
        return Plan(**header, notes=[*data.notes, f"no plan: {outcome.message}"])
    parts = read_parts(model, data, plan_id)
    routing = route_deliveries(data, parts.deliveries)
    unrouted = [
        f"fleet: {d.quantity:g} {d.product_id} for {d.customer_id} from {d.warehouse_id} "
        f"in period {d.period} fit on no vehicle"
        for d in routing.unplaced
    ]
    return Plan(
        **header,
        objective=outcome.objective,
        mip_gap=outcome.gap,
        production=parts.production,
        maintenance=parts.maintenance,
        purchases=parts.purchases,
        transfers=parts.transfers,
        deliveries=routing.delivered,
        routes=routing.routes,
        shortages=parts.shortages + fleet_shortages(data, routing.unplaced),
        notes=[*data.notes, *parts.notes, *unrouted],
    )
