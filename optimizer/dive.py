"""A full solve's first plan: the LP relaxation, rounded up and re-priced.

HiGHS spends its first seconds on a large network in rounds of root cuts
before its heuristics look for a plan (on the M benchmark network: 5 s a
round, and the first plan within 1 % after 20 s). The planning LP is tight
enough that rounding its relaxation is nearly optimal already: each route
runs whole for every unit it drops (``route_drop`` in
`optimizer.route_model`), and a setup's big-M is what demand can use
(`optimizer.production.useful`). So a full solve first relaxes every on/off
decision and solves the LP, rounds it up as a repair rounds its touched
decisions (`optimizer.rounding.rounded`: setups with any output, maintenance
where most of it went, routes by value while the crew has vehicles) and
re-prices that rounding with the decisions fixed. Rounding up leaves some
setups making nothing and some routes carrying nothing once re-priced;
they only cost, so they are switched off and the plan re-priced once more.
Each LP runs on the persistent instance, hot-started from the last one's
basis (`Session.lp`).

Multi-stop routes overlap: the relaxation likes a long route at 0.65 and
the out-and-backs to two of its stops at 0.35, and rounding all three up
pays for all three. So before rounding, the dive settles routes
(`settle_routes`): each round fixes the most-used fractional route of each
depot and day at 1 and re-solves the LP, which then drops what that route
covers, for at most `SolverSettings.route_rounds` rounds. On the 94 replans
of a regional-1 run settling puts 69 dives within 1 % of their bound
instead of 54 (mean gap 0.95 % against 2.0 %; better plans in 61, worse
in 5) for 16 ms more per dive.

The relaxation's objective bounds every plan, so the rounded plan's
distance from it is a true gap: when it is within the MIP gap asked for, the
plan is optimal in HiGHS's own sense and no MIP runs (M: 0.7 % in under a
second). Otherwise it is the MIP's starting plan.

The dive may take at most `SolverSettings.dive_share` of the time left, and
HiGHS gets `SolverSettings.highs_share` of what is left after it as its own
limit: HiGHS checks its limit between steps, and one round of root cuts on
the M benchmark network takes seconds, so with the whole budget as its
limit it overran into the guard's cancel and the replan came back stale.
The rest of the budget absorbs that overrun and pays for reading the plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pyomo.environ as pyo

from optimizer.columns import RouteCandidates
from optimizer.decisions import Decisions
from optimizer.repair import EPS
from optimizer.rounding import round_and_price
from optimizer.session import LpSolution, Session, SolveParams, SolveResult
from supplysync.plan import PlanStatus
from supplysync.scenario import SolverSettings

SolveFn = Callable[[Session, SolveParams, LpSolution | None], SolveResult]
"""The MIP solve from a start plan (`Session.mip`); a seam for tests."""


@dataclass(frozen=True)
class Dive:
    """A rounded plan and the bound it is measured against.

    Attributes:
        plan: the rounded plan, re-priced (objective, full solution, basis).
        bound: the LP relaxation's objective, a lower bound on every plan.
        seconds: all its LPs.
    """

    plan: LpSolution
    bound: float
    seconds: float

    @property
    def gap(self) -> float:
        """Relative gap of the plan to the bound, as HiGHS measures a MIP gap."""
        return max(self.plan.objective - self.bound, 0.0) / max(abs(self.plan.objective), 1e-9)

    def describe(self) -> str:
        """The plan note."""
        return (
            f"first plan: the LP relaxation rounded up, {100 * self.gap:.2f} % from its"
            f" bound, in {self.seconds:.2f} s"
        )


def full_solve(
    session: Session,
    model: Decisions,
    cands: RouteCandidates,
    deadline: float,
    mip_gap: float,
    *,
    basis: Any | None = None,
    solve_fn: SolveFn = Session.mip,
    tuning: SolverSettings | None = None,
) -> tuple[SolveResult, Dive | None]:
    """Dive, and run the MIP from the dive's plan only when that is not within `mip_gap`.

    Args:
        session: the session holding `model`, parameters pushed.
        model: the planning model.
        cands: its candidate routes.
        deadline: `time.perf_counter()` by which the solve must be over.
        mip_gap: the relative gap at which a plan counts as optimal.
        basis: a basis of an earlier LP of this model to start the dive from
            (`Session.lp`), or None for a cold start.
        solve_fn: the MIP solve (a seam for tests).
        tuning: the dive's and HiGHS's shares of the time and the dive's
            route rounds; None for the defaults.

    Returns the outcome (its solution loaded into the model) and the dive,
    None when the dive's LPs failed (the MIP then starts from nothing). The
    outcome is the dive's plan when the MIP stops with nothing better, which
    HiGHS can do when its time runs out before it accepts the start.
    """
    tuning = tuning or SolverSettings()
    seconds = (deadline - time.perf_counter()) * tuning.dive_share
    dived = dive(session, model, cands, seconds, basis, tuning=tuning)
    if dived is not None and dived.gap <= mip_gap:
        session.load(dived.plan)
        outcome = SolveResult(
            PlanStatus.OPTIMAL,
            True,
            dived.plan.objective,
            dived.gap,
            dived.seconds,
            "rounded LP relaxation within the gap",
            bound=dived.bound,
            rounded=True,
        )
        return outcome, dived
    left = max((deadline - time.perf_counter()) * tuning.highs_share, 0.01)
    start = None if dived is None else dived.plan
    outcome = solve_fn(session, SolveParams(left, mip_gap), start)
    if dived is None:
        return outcome, dived
    return _settled(session, dived, outcome, mip_gap), dived


def _settled(session: Session, dived: Dive, mip: SolveResult, mip_gap: float) -> SolveResult:
    """The better of the MIP's plan and the dive's, gapped against the better bound.

    The bounds are the LP relaxation's and the one the MIP proved, if any: a
    MIP stopped early on a large network proves far less than the LP (L
    benchmark: 67 % against 1.3 %). The MIP can stop with nothing better
    than its start, or nothing at all, when its time runs out first; the
    dive's plan then stands.
    """
    found = mip.has_solution and mip.objective is not None
    bound = dived.bound
    rounded = False
    if found and mip.objective is not None and mip.gap is not None:
        bound = max(bound, mip.objective - mip.gap * abs(mip.objective))
    if found and mip.objective is not None and mip.objective <= dived.plan.objective:
        objective, status, message = mip.objective, mip.status, mip.message
    else:
        session.load(dived.plan)
        objective = dived.plan.objective
        rounded = True
        timed_out = mip.status is PlanStatus.TIME_LIMIT
        status = PlanStatus.TIME_LIMIT if timed_out else PlanStatus.FEASIBLE
        message = f"the rounded LP relaxation; the MIP found nothing better ({mip.message})"
    gap = max(objective - bound, 0.0) / max(abs(objective), 1e-9)
    if gap <= mip_gap or mip.status is PlanStatus.OPTIMAL:
        # a plan no dearer than one HiGHS proved optimal is optimal too, though
        # the dive's may win by a rounding error and HiGHS's proven gap at
        # gap 0 can be up to its absolute tolerance (`mip_abs_gap`, 1e-6)
        status = PlanStatus.OPTIMAL
    return SolveResult(
        status,
        True,
        objective,
        gap,
        dived.seconds + mip.seconds,
        message,
        bound=bound,
        stopped=mip.time_limited and status is not PlanStatus.OPTIMAL,
        rounded=rounded,
    )


def dive(
    session: Session,
    model: Decisions,
    cands: RouteCandidates,
    seconds: float,
    basis: Any | None = None,
    *,
    tuning: SolverSettings | None = None,
) -> Dive | None:
    """Relax, round up and re-price `model`, held by `session`; None if either LP fails.

    Fractional routes are settled first, for at most `tuning.route_rounds`
    LPs (None: the default settings). The model's parameters must already
    be pushed. Its binaries are left free and integral again afterwards; its
    variable values are untouched.
    The relaxation starts from `basis` when given: on the L benchmark network
    a cold relaxation takes 3.5 s, more than a 10 s replan leaves the dive.
    """
    deadline = time.perf_counter() + seconds
    every = model.integers()
    try:
        relaxed = session.lp(every, seconds, basis)
        if relaxed is None:
            return None
        rounds = (tuning or SolverSettings()).route_rounds
        settled = settle_routes(
            session, model, cands, relaxed, every=every, deadline=deadline, rounds=rounds
        )
        left = deadline - time.perf_counter()
        tried = round_and_price(
            session, model, every, every, cands=cands, relaxed=settled, seconds=left
        )
        if tried is None:
            return None
        took = (
            relaxed.seconds + tried.seconds + (settled.seconds if settled is not relaxed else 0.0)
        )
        off = idle(model, cands, session.value_in(tried))
        if off:
            session.fix((var, 0) for var in off)
            trimmed = session.lp(every, deadline - time.perf_counter(), tried.basis)
            if trimmed is not None:
                took += trimmed.seconds
                tried = min(tried, trimmed, key=lambda r: r.objective)
    finally:
        session.free(every)
    return Dive(tried, relaxed.objective, took)


def settle_routes(
    session: Session,
    model: Decisions,
    cands: RouteCandidates,
    relaxed: LpSolution,
    *,
    every: list[Any],
    deadline: float,
    rounds: int,
) -> LpSolution:
    """Fix fractional routes at 1, one per depot and day each round, re-solving the LP between.

    At most `rounds` rounds. Returns the last LP solved (`relaxed` when no
    route was fractional); the routes it fixed stay fixed for the rounding
    that follows, which then sees them at 1.
    """
    last, took = relaxed, 0.0
    left = {k: pyo.value(model.crew_size[k]) for k in model.crew_size}
    for _ in range(rounds):
        value = session.value_in(last)
        picks = fractional_routes(
            {j: value(var) for j, var in model.use.items() if not var.fixed}, cands, left
        )
        if not picks:
            break
        for j in picks:
            left[cands.columns[j].crew] -= 1
        session.fix((model.use[j], 1) for j in picks)
        nxt = session.lp(every, deadline - time.perf_counter(), last.basis)
        if nxt is None:
            break
        last, took = nxt, took + nxt.seconds
    return last if last is relaxed else replace(last, seconds=took)


def fractional_routes(
    use: Mapping[int, float], cands: RouteCandidates, vehicles: Mapping[int, float]
) -> list[int]:
    """The most-used fractional route of each depot and day whose crew has a vehicle left.

    `use` holds the LP value of every route still free; ties go to the route
    with more stops, then the lower index. Routes an operator froze are left
    to the rounding. Both planning paths dive with it: the Pyomo model
    (`settle_routes`) and the direct highspy reference (`benchmarks.direct`).
    """
    best: dict[tuple[str, int], tuple[float, int, int]] = {}
    for j, x in use.items():
        col = cands.columns[j]
        if j in cands.fixed or not EPS < x < 1 - EPS or vehicles[col.crew] < 1:
            continue
        pick = (x, len(col.stops), -j)
        best[col.depot_id, col.period] = max(best.get((col.depot_id, col.period), pick), pick)
    return sorted(-j for _, _, j in best.values())


def idle(model: Decisions, cands: RouteCandidates, value: Callable[[Any], float]) -> list[Any]:
    """Setups that are on but make nothing, and routes that run but carry nothing.

    Routes an operator froze are never idle: they run whatever they carry.
    """
    loaded = {j for (j, _, _), var in model.carry.items() if value(var) > EPS}
    out = [
        model.setup[k]
        for k, var in model.setup.items()
        if value(var) > 0.5 and value(model.make[k]) <= EPS
    ]
    out += [
        var
        for j, var in model.use.items()
        if value(var) > 0.5 and j not in loaded and j not in cands.fixed
    ]
    return out
