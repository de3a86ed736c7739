"""The whole MILP: every builder's part in one model, and a solved model read back as a plan.

Builder → frozen data → solve → result: `planning_data` freezes the
snapshot, the production, replenishment and stability builders add their
parts to one Pyomo model (`build_model`, which returns its decisions as a
typed record, `optimizer.decisions.Decisions`), a solver session runs HiGHS
(`optimizer.session`), and `assemble` maps the values: routes of the routed
periods as the model chose them (`optimizer.route_model`).

Every row and the objective are written as flat `LinearExpression`s
(`optimizer.linear`) so that `optimizer.session.bulk` can load them without
walking expression trees, and the build runs with the garbage collector
paused (`optimizer.gcpause`): together they cut the cold build and load on
the M benchmark network from about 7 s to about 2 s.
"""

from __future__ import annotations

from typing import Any

import pyomo.environ as pyo

from optimizer.chosen_routes import frozen_routes, read_routes
from optimizer.columns import RouteCandidates, candidates
from optimizer.data import PlanningData
from optimizer.decisions import Decisions
from optimizer.gcpause import paused_gc
from optimizer.linear import linear
from optimizer.production import add_production
from optimizer.replenishment import add_replenishment
from optimizer.result import read_parts
from optimizer.route_model import add_routes
from optimizer.session import SolveResult
from optimizer.stability import add_stability
from supplysync.plan import Plan


def build_model(data: PlanningData, cands: RouteCandidates | None = None) -> Decisions:
    """One Pyomo model with every builder's part and their summed cost, and its decisions.

    Args:
        data: the planning data.
        cands: the candidate routes of the routed periods (`candidates(data)`
            when None).

    Stability targets and weights start at 0; `set_targets` fills them in.
    """
    cands = cands if cands is not None else candidates(data)
    with paused_gc():
        model = pyo.ConcreteModel(name="supplysync")
        production = add_production(model, data)
        flow_cost = add_replenishment(model, data, production.output)
        route_cost = add_routes(model, data, cands, model.ship.keys())
        keep_cost, keep_constant = add_stability(model, data)
        model.cost = pyo.Objective(
            expr=linear([*production.cost, *flow_cost, *route_cost, *keep_cost], keep_constant),
            sense=pyo.minimize,
        )
    return Decisions.of(model)


def assemble(
    model: Decisions,
    data: PlanningData,
    cands: RouteCandidates,
    outcome: SolveResult,
    header: dict[str, Any],
) -> Plan:
    """The plan of a solved model (its solution loaded), or an empty one when there is none.

    Routes of the routed periods are the model's own choice. Later periods
    have deliveries within each depot's fleet capacity but no routes yet: a
    replan routes them when they come within the routed periods (the
    replanning loop replans at least every tick), so no time is spent
    sequencing stops that will be sequenced again.
    """
    plan_id = header["plan_id"]
    header = {**header, "status": outcome.status, "solve_seconds": outcome.seconds}
    if not outcome.has_solution:
        return Plan(**header, notes=[*data.notes, f"no plan: {outcome.message}"])
    parts = read_parts(model, data, plan_id)
    routed = [d for d in parts.deliveries if d.period < data.routed_periods]
    chosen = frozen_routes(data) + read_routes(model, data, cands, routed)
    return Plan(
        **header,
        objective=outcome.objective,
        mip_gap=outcome.gap,
        production=parts.production,
        maintenance=parts.maintenance,
        purchases=parts.purchases,
        transfers=parts.transfers,
        deliveries=parts.deliveries,
        routes=chosen,
        shortages=parts.shortages,
        notes=[*data.notes, *cands.notes, *parts.notes],
    )
