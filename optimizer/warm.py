"""Replanning without rebuilding: one built model kept between replans.

Building the Pyomo model and loading it into HiGHS costs more than solving
it after a small event. A `WarmPlanner` (the coordinator owns one) keeps the
last model and its persistent HiGHS instance. When the next snapshot has the
same shape, it writes the new figures into the model's mutable parameters
(machine hours, stock and arrivals, space, demand and its penalties, quotes
and prices, fleet capacity, stability targets) and HiGHS receives only the
changed bounds and coefficients.

The shape rule: rebuild when anything that decides which variables and rows
exist, or the coefficients that are not parameters, differs: the window
(start, periods, period length), the network, the set of demand lines and
their order, the runs a machine can fit (a machine going from some hours to
none), a machine's rates, setup, current product or due maintenance, a
quote's lead time, the warehouse-customer reach (a reefer failing) or cold
storage, the routed periods and their crews (the candidate routes are
generated at a rebuild and kept; an update only re-times them and rewrites
room and crew sizes), and the solver settings (the candidate search and the
pool of stability blocks are the build's). A solve cancelled at the
deadline also forces a rebuild: HiGHS keeps its stop flag, and an abandoned
worker thread may still hold the model.

After an update, when the plan in force was made by this model, the replan
is a repair (`optimizer.repair`): only the on/off decisions the event
touched are re-decided, with LPs hot-started on the same HiGHS instance
(`Session.lp`). A repair that finds no plan falls back to a full
solve in the time left; every other replan is a full solve, which dives
first (`optimizer.dive.full_solve`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from optimizer.columns import RouteCandidates, crews_of
from optimizer.costs import CostModel
from optimizer.data import PlanningData, planning_data
from optimizer.decisions import Decisions
from optimizer.dive import Dive, SolveFn, full_solve
from optimizer.gcpause import collect_frozen, kept_out_of_collections
from optimizer.guard import within
from optimizer.model import PlanHeader, assemble, build_model
from optimizer.pricing import RoutePricer
from optimizer.production import run_index, set_production
from optimizer.repair import Incumbent, Neighbourhood, incumbent_of, redecide, touched
from optimizer.replenishment import set_replenishment
from optimizer.route_model import set_routes
from optimizer.session import Session, SolveResult
from optimizer.stability import room_left, set_targets
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMaking, PlanMode, PlanStatus, RepairedKeys
from supplysync.scenario import PlanningSettings


def shape_of(data: PlanningData) -> tuple[Hashable, ...]:
    """Everything about `data` that a parameter update cannot change in a built model."""
    return (
        data.window,
        data.network,
        tuple(
            (
                m.machine_id,
                tuple(sorted(m.rates.items())),
                m.setup_hours,
                m.current_product,
                m.maintenance_hours,
                m.maintenance_periods,
            )
            for m in data.machines
        ),
        tuple(run_index(data)),
        tuple((o.supplier_id, o.product_id, o.lead) for o in data.purchases),
        tuple((d.customer_id, d.product_id, d.period, d.order_id is None) for d in data.demand),
        data.arcs,
        data.cold_arcs,
        tuple(sorted(data.cold_storage.items())),
        tuple(sorted(data.fleet_capacity)),
        tuple(sorted(data.cold_capacity)),
        data.transfer_periods,
        data.routed_periods,
        data.lanes,
        data.fixed_routes,
        data.solver,
        tuple(c.key for c in crews_of(data)),
        tuple(sorted((k, t.lead) for k, t in data.targets.items())),
    )


class WarmPlanner:
    """Plans snapshot after snapshot, updating one built model while the shape holds.

    Args:
        costs: prices of machine hours, setups, freight and moved assignments.
        solve_fn: the solve call, a seam for tests (for example a solve that
            never returns in time).
        route_candidates: generates the candidate routes at a rebuild
            (default: a `RoutePricer` of its own); a seam for tests that
            compare models built on the same candidates.
    """

    def __init__(
        self,
        *,
        costs: CostModel | None = None,
        solve_fn: SolveFn | None = None,
        route_candidates: Callable[[PlanningData], RouteCandidates] | None = None,
    ) -> None:
        self._costs = costs or CostModel()
        self._solve_fn: SolveFn = solve_fn or Session.mip
        self._route_candidates = route_candidates or RoutePricer()
        self._shape: tuple[Hashable, ...] | None = None
        self._model: Decisions | None = None
        self._session: Session | None = None
        self._cands: RouteCandidates | None = None
        self._incumbents: dict[str, Incumbent] = {}
        self._basis: Any = None
        self._froze = False
        self.rebuilds = 0
        self.updates = 0

    @property
    def candidates(self) -> RouteCandidates | None:
        """The candidate routes of the model in hand (None before the first plan)."""
        return self._cands

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        policy: str = "milp",
        causes: Sequence[str] = (),
        previous: Plan | None = None,
    ) -> Plan:
        """Plan one snapshot; see `optimizer.milp.plan_milp` for the outcomes.

        The budget covers the build too: building, loading and solving run
        in the guard's worker, which waits at most `time_limit_s` and then a
        grace period. A build still running at the deadline is left to
        finish in the background (it cannot be interrupted) and kept for the
        next replan, which then only updates it; this replan keeps the
        previous plan, marked stale.
        """
        started = time.perf_counter()
        budget = settings.time_limit_s
        ask = _Ask(snapshot, settings, previous, started, deadline=started + budget)
        progress = _Progress()
        solved = within(
            partial(self._solve, ask, progress),
            budget,
            cancel=progress.cancel,
            grace_s=settings.solver.grace_share * budget,
        )
        if progress.cancelled.is_set() and progress.session is not None:
            # HiGHS keeps its stop flag after a cancel, and an abandoned
            # worker may still hold the model: the next replan rebuilds.
            self._shape = self._model = self._session = self._cands = self._basis = None
            self._incumbents.clear()
        ready = progress.built
        header = PlanHeader(
            plan_id=plan_id,
            policy=policy,
            created_at=snapshot.taken_at,
            window=snapshot.window,
            build_seconds=ready.seconds if ready is not None else time.perf_counter() - started,
            causes=tuple(causes) or tuple(a.alert_id for a in snapshot.causes),
        )
        if solved is None:
            why = "no plan within the time budget"
            return _stale(previous, header, why, time.perf_counter() - started, timed_out=True)
        outcome, built = solved.outcome, solved.built
        if not outcome.has_solution and previous is not None:
            return _stale(
                previous, header, outcome.message, outcome.seconds, timed_out=outcome.time_limited
            )
        notes = () if solved.note is None else (solved.note,)
        how = _making(solved)
        plan = assemble(built.model, built.data, built.cands, outcome, header, how=how, notes=notes)
        if outcome.has_solution and self._model is built.model:
            self._remember(plan_id, incumbent_of(built.model, built.data), settings)
        return plan

    def _solve(self, ask: _Ask, progress: _Progress) -> _Solved | None:
        """The guard's worker: build or update the model, then repair or solve in full.

        None when the caller cancelled before the solve began, or during a
        repair that found nothing.
        """
        built = self._build(ask)
        progress.built = built
        if progress.cancelled.is_set():
            return None
        progress.session = built.session
        incumbent = self._incumbent(ask.previous)
        if ask.settings.repair and incumbent is not None:
            repaired = self._repair(built, incumbent, ask.deadline)
            if repaired is not None or progress.cancelled.is_set():
                return repaired
        return self._full(built, ask.deadline, ask.settings)

    def _build(self, ask: _Ask) -> _Built:
        """The model of `ask`'s snapshot, updated or rebuilt, its parameters pushed."""
        snapshot, settings = ask.snapshot, ask.settings
        data = planning_data(snapshot, settings, self._costs)
        rebuilds = self.rebuilds
        session, model, cands = self._ready(data)
        rebuilt = self.rebuilds > rebuilds
        added = set_targets(model.model, data, ask.previous, settings, snapshot.taken_at)
        if added is not None:
            session.add_block(added)
        session.push_parameters()  # once: a later push would drop a MIP start
        seconds = time.perf_counter() - ask.started
        return _Built(data, model, cands, session, rebuilt=rebuilt, seconds=seconds)

    def _full(self, built: _Built, deadline: float, settings: PlanningSettings) -> _Solved:
        """A full solve (`optimizer.dive.full_solve`) from the last LP basis; its dive's basis
        starts the next repair or full solve."""
        outcome, dived = full_solve(
            built.session,
            built.model,
            built.cands,
            deadline,
            settings.mip_gap,
            basis=self._basis,
            solve_fn=self._solve_fn,
            tuning=settings.solver,
        )
        if dived is None:
            return _Solved(built, outcome)
        self._basis = dived.plan.basis
        return _Solved(built, outcome, dive=dived, note=dived.describe())

    def _repair(self, built: _Built, incumbent: Incumbent, deadline: float) -> _Solved | None:
        """Re-decide what the event touched, keeping the rest (`optimizer.repair.redecide`);
        None without a plan. The last LP's basis starts the next repair or full solve."""
        hood = touched(incumbent, built.data, built.cands, built.model)
        if hood is None:
            return None
        done = redecide(
            built.session,
            built.model,
            incumbent,
            hood,
            built.cands,
            basis=self._basis,
            deadline=deadline,
        )
        self._basis = done.basis
        if done.outcome is None:
            return None
        return _repaired(done.outcome, built, hood, done.free, done.kept)

    def _incumbent(self, plan: Plan | None) -> Incumbent | None:
        """The decisions of `plan` if this model made it (kept as the most recently used)."""
        found = self._incumbents.pop(plan.plan_id, None) if plan is not None else None
        if plan is not None and found is not None:
            self._incumbents[plan.plan_id] = found
        return found

    def _remember(self, plan_id: str, incumbent: Incumbent, settings: PlanningSettings) -> None:
        """Keep the last plans' decisions for repairs that name them as the plan in force
        (`SolverSettings.kept_incumbents` of them, least recently used dropped first)."""
        self._incumbents[plan_id] = incumbent
        while len(self._incumbents) > settings.solver.kept_incumbents:
            del self._incumbents[next(iter(self._incumbents))]

    def _ready(self, data: PlanningData) -> tuple[Session, Decisions, RouteCandidates]:
        shape = shape_of(data)
        model, session, cands = self._model, self._session, self._cands
        if (
            model is not None
            and session is not None
            and cands is not None
            and shape == self._shape
            and room_left(model.model)
        ):
            set_production(model.model, data)
            set_replenishment(model.model, data)
            set_routes(model.model, data, cands)
            self.updates += 1
            return session, model, cands
        self._model = self._session = self._cands = None
        self._incumbents.clear()
        self._basis = None
        if self._froze:
            collect_frozen()  # the model dropped above (or at a cancel) is freed
        cands = self._route_candidates(data)
        self._froze = True  # even if the build fails: what it froze is collected at the next
        with kept_out_of_collections():
            model = build_model(data, cands)
            session = Session(model.model)
            self._model, self._session, self._shape = model, session, shape
        self._cands = cands
        self.rebuilds += 1
        return session, model, cands


@dataclass(frozen=True, slots=True)
class _Ask:
    """One call of `WarmPlanner.plan`: what to plan, and by when (`time.perf_counter`)."""

    snapshot: NetworkSnapshot
    settings: PlanningSettings
    previous: Plan | None
    started: float
    deadline: float


@dataclass(frozen=True, slots=True)
class _Built:
    """A model ready to solve: its data, decisions, candidates and session.

    Attributes:
        rebuilt: built anew for this replan rather than updated.
        seconds: from the replan's start until it was ready.
    """

    data: PlanningData
    model: Decisions
    cands: RouteCandidates
    session: Session
    rebuilt: bool
    seconds: float


@dataclass(frozen=True, slots=True)
class _Repair:
    """What a repair re-decided and how close it came, measured on those decisions only."""

    keys: RepairedKeys
    gap: float | None


@dataclass(frozen=True, slots=True)
class _Solved:
    """What the worker made of a built model: the outcome, by a dive and MIP or by a repair.

    Attributes:
        dive: the full solve's dive; None for a repair, or a full solve that
            found no rounded plan.
        repair: what a repair re-decided; None for a full solve.
        note: what the plan's notes add about how it was made.
    """

    built: _Built
    outcome: SolveResult
    dive: Dive | None = None
    repair: _Repair | None = None
    note: str | None = None


class _Progress:
    """What the guarded worker and the caller share while a replan runs.

    The worker publishes the built model and then the session it solves
    on; the caller's cancel sets `cancelled` and stops that session. The
    caller reads both after the guard returns, the worker possibly still
    running: a model built too late is kept for the next replan, a
    cancelled session is not.
    """

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.built: _Built | None = None
        self.session: Session | None = None

    def cancel(self) -> None:
        self.cancelled.set()
        if self.session is not None:
            self.session.cancel()


def _repaired(
    outcome: SolveResult, built: _Built, hood: Neighbourhood, free: int, kept: int
) -> _Solved | None:
    """A repair's outcome as a plan's: `FEASIBLE` (a heuristic for the whole).

    Its gap and bound, which measure it against re-deciding the touched keys
    only, go to the plan's `PlanMaking` (`_Repair`), not to `mip_gap`.
    """
    if not outcome.has_solution:
        return None
    keys = RepairedKeys(
        machines=sorted(hood.machines),
        products=sorted(hood.products),
        customers=sorted(hood.customers),
        depots=sorted(hood.depots),
        redecided=free,
        kept=kept,
    )
    inner = "-" if outcome.gap is None else f"{100 * outcome.gap:.2f} %"
    note = (
        f"repair of the plan in force: {free} of {free + kept} on/off decisions re-decided"
        f" ({hood.describe()}), the rest kept; at most {inner} from the best re-decision"
    )
    whole = replace(outcome, status=PlanStatus.FEASIBLE, gap=None)
    return _Solved(built, whole, repair=_Repair(keys, outcome.gap), note=note)


def _making(solved: _Solved) -> PlanMaking:
    """How the worker made its plan: a repair when it made one, else a full solve
    (`none` when that found no plan and there was none in force)."""
    outcome, repair = solved.outcome, solved.repair
    if not outcome.has_solution:
        mode, reason = PlanMode.NONE, outcome.message
    else:
        mode, reason = (PlanMode.FULL if repair is None else PlanMode.REPAIR), None
    repaired = repair if mode is PlanMode.REPAIR else None
    dive = solved.dive
    return PlanMaking(
        mode=mode,
        bound=outcome.bound,
        gap=outcome.gap if repaired is None else repaired.gap,
        time_limited=outcome.time_limited,
        rounded=outcome.rounded,
        dive_gap=None if repaired is not None or dive is None else dive.gap,
        rebuilt=solved.built.rebuilt,
        repaired=None if repair is None else repair.keys,
        reason=reason,
    )


def _stale(
    previous: Plan | None,
    header: PlanHeader,
    why: str,
    seconds: float,
    *,
    timed_out: bool,
) -> Plan:
    """The previous plan, kept in force and marked stale; an empty `ERROR` plan without one.

    A plan made for another window (the replan that opens a new day) is not
    kept: its periods count from that window's start, so kept it would put
    every decision a period off.
    """
    if previous is not None and previous.window != header.window:
        why = f"{why}; {previous.plan_id} was made for the window from {previous.window.start}"
        previous = None
    if previous is None:
        notes = [f"no plan: {why}; no plan for this window to keep"]
        how = PlanMaking(mode=PlanMode.NONE, time_limited=timed_out, reason=why)
        return header.empty(PlanStatus.ERROR, seconds, notes, how)
    kept = PlanMaking(
        mode=PlanMode.KEPT, time_limited=timed_out, kept_plan_id=previous.plan_id, reason=why
    )
    return Plan(
        plan_id=header.plan_id,
        policy=previous.policy,
        created_at=header.created_at,
        window=previous.window,
        status=PlanStatus.STALE,
        objective=previous.objective,
        mip_gap=previous.mip_gap,
        build_seconds=header.build_seconds,
        solve_seconds=seconds,
        production=previous.production,
        maintenance=previous.maintenance,
        purchases=previous.purchases,
        transfers=previous.transfers,
        deliveries=previous.deliveries,
        routes=previous.routes,
        shortages=previous.shortages,
        causes=list(header.causes),
        notes=[*previous.notes, f"stale: {why}; {previous.plan_id} stays in force"],
        diff=None,
        how=kept,
    )
