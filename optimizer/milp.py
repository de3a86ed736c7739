"""The MILP planning policy: snapshot in, `Plan` out.

Builder → frozen data → solve → result: `planning_data` freezes the
snapshot, the production and replenishment builders add their parts to one
Pyomo model, `solve` runs HiGHS, `read_parts` maps the values and the route
heuristic sequences the deliveries. The static baseline is this same function
over a window covering every day of the run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pyomo.environ as pyo

from optimizer.costs import CostModel
from optimizer.data import PlanningData, planning_data
from optimizer.production import add_production
from optimizer.replenishment import add_replenishment
from optimizer.result import read_parts
from optimizer.routing import fleet_shortages, route_deliveries
from optimizer.solve import SolveParams, solve
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


def build_model(data: PlanningData) -> pyo.ConcreteModel:
    """One Pyomo model with every builder's part and their summed cost."""
    model = pyo.ConcreteModel(name="supplysync")
    production = add_production(model, data)
    flow_cost = add_replenishment(model, data, production.output)
    model.cost = pyo.Objective(expr=production.cost + flow_cost, sense=pyo.minimize)
    return model


def plan_milp(
    snapshot: NetworkSnapshot,
    settings: PlanningSettings,
    *,
    plan_id: str,
    policy: str = "milp",
    causes: Sequence[str] = (),
    costs: CostModel | None = None,
) -> Plan:
    """Plan production, replenishment and deliveries for the snapshot's window.

    Never raises for an infeasible network or a time limit: demand that cannot
    be served becomes priced shortages with their reasons, and a search that
    finds no solution at all returns an `ERROR` plan with no decisions.

    Args:
        snapshot: the frozen offers and demand.
        settings: solver limits, transfer days and vehicle departure hour.
        plan_id: id of the new plan (also the stem of its order ids).
        policy: the name recorded on the plan.
        causes: alert ids that triggered it; defaults to the snapshot's causes.
        costs: prices of machine hours, setups and freight.
    """
    start = time.perf_counter()
    data = planning_data(snapshot, settings, costs)
    model = build_model(data)
    build_seconds = time.perf_counter() - start
    outcome = solve(model, SolveParams(settings.time_limit_s, settings.mip_gap))
    header: dict[str, Any] = {
        "plan_id": plan_id,
        "policy": policy,
        "created_at": snapshot.taken_at,
        "window": snapshot.window,
        "status": outcome.status,
        "build_seconds": build_seconds,
        "solve_seconds": outcome.seconds,
        "causes": list(causes) or [a.alert_id for a in snapshot.causes],
    }
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
