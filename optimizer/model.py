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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
from supplysync.plan import Plan, PlanMaking, PlanStatus
from supplysync.planning import PlanningWindow


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


@dataclass(frozen=True, slots=True)
class PlanHeader:
    """What a replan's plan says of itself whatever its solve gives: who, when, for what.

    Attributes:
        plan_id, policy: the plan's id and the policy that asked for it.
        created_at: when the snapshot it plans was taken.
        window: the snapshot's planning window.
        build_seconds: wall seconds from the replan's start until the model
            was ready to solve (until the end, when it never was).
        causes: the alert ids that triggered the replan.
    """

    plan_id: str
    policy: str
    created_at: datetime
    window: PlanningWindow
    build_seconds: float
    causes: tuple[str, ...]

    def empty(
        self,
        status: PlanStatus,
        solve_seconds: float,
        notes: list[str],
        how: PlanMaking | None = None,
    ) -> Plan:
        """A plan under this header with no decisions: nothing found, or nothing to keep."""
        return Plan(
            plan_id=self.plan_id,
            policy=self.policy,
            created_at=self.created_at,
            window=self.window,
            status=status,
            build_seconds=self.build_seconds,
            solve_seconds=solve_seconds,
            causes=list(self.causes),
            notes=notes,
            how=how,
        )


def assemble(
    model: Decisions,
    data: PlanningData,
    cands: RouteCandidates,
    outcome: SolveResult,
    header: PlanHeader,
    *,
    how: PlanMaking | None = None,
    notes: Sequence[str] = (),
) -> Plan:
    """The plan of a solved model (its solution loaded), or an empty one when there is none.

    Routes of the routed periods are the model's own choice. Later periods
    have deliveries within each depot's fleet capacity but no routes yet: a
    replan routes them when they come within the routed periods (the
    replanning loop replans at least every tick), so no time is spent
    sequencing stops that will be sequenced again. `how` says how the plan
    was made and `notes` follow the model's own.
    """
    if not outcome.has_solution:
        said = [*data.notes, f"no plan: {outcome.message}", *notes]
        return header.empty(outcome.status, outcome.seconds, said, how)
    parts = read_parts(model, data, header.plan_id)
    routed = [d for d in parts.deliveries if d.period < data.routed_periods]
    chosen = frozen_routes(data) + read_routes(model, data, cands, routed)
    return Plan(
        plan_id=header.plan_id,
        policy=header.policy,
        created_at=header.created_at,
        window=header.window,
        status=outcome.status,
        objective=outcome.objective,
        mip_gap=outcome.gap,
        build_seconds=header.build_seconds,
        solve_seconds=outcome.seconds,
        production=parts.production,
        maintenance=parts.maintenance,
        purchases=parts.purchases,
        transfers=parts.transfers,
        deliveries=parts.deliveries,
        routes=chosen,
        shortages=parts.shortages,
        causes=list(header.causes),
        notes=[*data.notes, *cands.notes, *parts.notes, *notes],
        how=how,
    )
