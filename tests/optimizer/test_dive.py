"""A full solve's dive: the relaxation bounds every plan, its rounding is one, both paths agree."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import highspy
import pytest

from optimizer.columns import RouteCandidates, candidates
from optimizer.data import PlanningData, planning_data
from optimizer.direct import build_highs, full_solve_highs
from optimizer.dive import Dive, deepen, dive, full_solve, integers
from optimizer.model import build_model
from optimizer.solve import SolveParams, SolveResult, persistent_solver, solve
from optimizer.testing import SIZES, generate_network, snapshot_for
from optimizer.warm import WarmPlanner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import PlanStatus
from supplysync.scenario import PlanningSettings, load_scenario
from tests.optimizer.conftest import SETTINGS

DEMO = Path(__file__).parents[2] / "scenarios" / "demo.toml"

S = SIZES["S"]


@pytest.fixture(scope="module")
def small() -> tuple[PlanningData, RouteCandidates]:
    """The S benchmark network's planning data and candidate routes."""
    snap = snapshot_for(generate_network(S), S.days)
    data = planning_data(snap, PlanningSettings(horizon_periods=S.days))
    return data, candidates(data)


def _dived(data: PlanningData, cands: RouteCandidates) -> tuple[Any, Any, Dive]:
    """A freshly built model of `data`, its solver, and its dive."""
    model = build_model(data, cands)
    solver = persistent_solver(model)
    dived = dive(solver, model, cands, 30.0)
    assert dived is not None
    return model, solver, dived


def test_the_relaxation_bounds_the_mip_and_its_rounding_is_a_plan_near_it(
    small: tuple[PlanningData, RouteCandidates],
) -> None:
    model, solver, dived = _dived(*small)
    values = dived.plan.solution.col_value
    column = solver._pyomo_var_to_solver_var_map
    assert all(min(abs(values[column[id(v)]] - b) for b in (0, 1)) < 1e-9 for v in integers(model))

    mip = solve(model, SolveParams(time_limit_s=60, mip_gap=0.002), solver)
    assert mip.has_solution and mip.objective is not None and mip.gap is not None
    mip_bound = mip.objective * (1 - mip.gap)
    assert dived.bound <= mip_bound * (1 + 1e-6)  # a relaxation bounds the MIP
    assert dived.plan.objective >= mip_bound * (1 - 1e-6)  # the rounding is a plan
    # The LP is tight (routes run whole for what they drop): without
    # `route_drop` the relaxation was half the plan's cost.
    assert dived.bound >= 0.98 * mip_bound
    assert dived.gap < 0.02


def test_the_direct_reference_relaxes_the_same_model(
    small: tuple[PlanningData, RouteCandidates],
) -> None:
    data, cands = small
    _, _, dived = _dived(data, cands)

    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no stubs
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    columns = build_highs(data, h, cands)
    # A gap the dive meets, so both stop at the relaxation and its rounding.
    objective, gap, how = full_solve_highs(h, columns, cands, 30.0, 2 * dived.gap)

    assert how == "dive" and objective is not None and gap is not None
    assert objective * (1 - gap) == pytest.approx(dived.bound, rel=1e-6)
    assert gap == pytest.approx(dived.gap, abs=0.005)


def _demo_model(snapshot: NetworkSnapshot) -> tuple[Any, Any, RouteCandidates]:
    """The demo's planning model, its persistent solver and its candidate routes."""
    data = planning_data(snapshot, SETTINGS)
    cands = candidates(data)
    model = build_model(data, cands)
    return model, persistent_solver(model), cands


def test_a_plan_within_the_gap_needs_no_mip(small: tuple[PlanningData, RouteCandidates]) -> None:
    data, cands = small
    model = build_model(data, cands)
    solver = persistent_solver(model)

    def no_mip(*_args: Any) -> Any:
        raise AssertionError("the MIP ran although the dive was within the gap")

    deadline = time.perf_counter() + 30
    outcome, dived = full_solve(solver, model, cands, deadline, 0.05, solve_fn=no_mip)
    assert dived is not None and dived.gap <= 0.05
    assert outcome.status is PlanStatus.OPTIMAL and outcome.objective == dived.plan.objective
    assert outcome.gap == dived.gap
    assert model.cost() == pytest.approx(dived.plan.objective, rel=1e-9)  # the plan is loaded


def test_the_mip_starts_from_the_dive_when_it_is_not_within_the_gap(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """With gap 0 the demo's dive (a few % from its bound) hands its plan to the MIP."""
    model, solver, cands = _demo_model(demo_snapshot)
    seen: dict[str, Any] = {}

    def spy(*args: Any) -> Any:
        outcome = solve(*args)
        seen["outcome"] = outcome
        return outcome

    deadline = time.perf_counter() + 60
    outcome, dived = full_solve(solver, model, cands, deadline, 0.0, solve_fn=spy)
    assert dived is not None and dived.gap > 0
    mip = seen["outcome"]
    assert outcome.objective is not None and mip.objective is not None
    assert outcome.objective == mip.objective  # the MIP's plan, loaded
    assert model.cost() == pytest.approx(mip.objective, rel=1e-9)
    assert outcome.objective <= dived.plan.objective * (1 + 1e-9)
    assert outcome.objective >= dived.bound * (1 - 1e-9)


def test_a_first_plan_says_how_it_was_found(demo_snapshot: NetworkSnapshot) -> None:
    settings = SETTINGS.model_copy(update={"mip_gap": 0.5})
    plan = WarmPlanner().plan(demo_snapshot, settings, plan_id="p1")
    assert plan.status is PlanStatus.OPTIMAL and plan.mip_gap is not None
    assert plan.mip_gap <= 0.5
    assert plan.notes[-1].startswith("first plan: the LP relaxation rounded up")
    assert plan.production and plan.routes


@pytest.mark.parametrize("found", ["nothing", "worse"])
def test_the_dive_plan_stands_when_the_mip_finds_nothing_better(
    demo_snapshot: NetworkSnapshot, found: str
) -> None:
    """A MIP stopped by its time limit with no plan, or a worse one, never replaces the dive's."""
    model, solver, cands = _demo_model(demo_snapshot)

    def stopped(*_args: Any) -> SolveResult:
        if found == "nothing":
            return SolveResult(PlanStatus.TIME_LIMIT, False, None, None, 1.5, "time limit")
        for v in integers(model):  # a worse plan: every route and setup on
            v.set_value(1)
        return SolveResult(PlanStatus.TIME_LIMIT, True, 1e12, 1.0, 1.5, "time limit")

    deadline = time.perf_counter() + 60
    outcome, dived = full_solve(solver, model, cands, deadline, 0.0, solve_fn=stopped)
    assert dived is not None and dived.gap > 0
    assert outcome.has_solution and outcome.objective == dived.plan.objective
    assert outcome.status is PlanStatus.TIME_LIMIT
    assert outcome.gap == pytest.approx(dived.gap)  # the MIP's bound is weaker than the LP's
    assert outcome.seconds == pytest.approx(dived.seconds + 1.5)
    # the dive's plan is loaded
    assert model.cost() == pytest.approx(dived.plan.objective, rel=1e-9)


def test_a_mip_plan_is_gapped_against_the_relaxation_when_that_bound_is_better(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """A MIP stopped early proves a weak bound; the dive's LP bound says how good its plan is."""
    model, solver, cands = _demo_model(demo_snapshot)

    def weak(*args: Any) -> SolveResult:
        found = solve(*args)
        assert found.has_solution
        return SolveResult(PlanStatus.TIME_LIMIT, True, found.objective, 0.67, 1.5, "time limit")

    deadline = time.perf_counter() + 60
    outcome, dived = full_solve(solver, model, cands, deadline, 0.0, solve_fn=weak)
    assert dived is not None and outcome.objective is not None and outcome.gap is not None
    assert outcome.objective <= dived.plan.objective
    assert outcome.gap == pytest.approx((outcome.objective - dived.bound) / outcome.objective)
    assert outcome.gap < 0.1 and outcome.status is PlanStatus.TIME_LIMIT


def test_a_deeper_dive_fixes_what_the_relaxation_leans_on() -> None:
    """The demo's first snapshot as its agents offered it in a run (`data/`).

    Its relaxation runs several crews' vehicles on two routes at 0.5 each;
    the dive's rounding keeps one route per crew and drops the customers of
    the other, 59 % from the bound. Fixing one route per crew and one setup
    per machine and period at a time, re-solving in between, starts the MIP
    from a plan a quarter cheaper (in a session's measurement, the MIP then
    proved it optimal within the demo's 10 s; it had not before).
    """
    snapshot = NetworkSnapshot.model_validate_json(
        (Path(__file__).parent / "data" / "demo_first_snapshot.json").read_text()
    )
    data = planning_data(snapshot, load_scenario(DEMO).planning)
    cands = candidates(data)
    model = build_model(data, cands)
    solver = persistent_solver(model)
    dived = dive(solver, model, cands, 30.0)
    assert dived is not None and dived.gap > 0.3
    deeper = deepen(solver, model, cands, dived, 30.0)
    assert deeper.bound == dived.bound
    assert deeper.plan.objective < 0.75 * dived.plan.objective
