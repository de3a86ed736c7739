"""The one place that talks to HiGHS (through Pyomo's ``pyomo.contrib.solver`` interface).

Outcomes are values: optimal, stopped at the time limit with the best plan
found and its gap, or no solution at all. Only broken infrastructure (HiGHS
missing, the solver crashing) raises, as `SolverUnavailableError`.

The solver is persistent: `persistent_solver` loads a model into HiGHS once,
and later solves of the same model pass HiGHS only the parameters that
changed (bounds, right-hand sides, coefficients), never the structure.

Pyomo's HiGHS interface normally wraps every load and solve in
`capture_output(capture_fd=True)`, which swaps the process-wide stdout and
stderr (file descriptors and `sys` streams) and checks on exit that nobody
else swapped them meanwhile. That is not thread-safe: a solve in the guard's
worker thread and anything else capturing output (an abandoned solve winding
down, a test runner) trip over each other and the solve fails with
"Captured output ... does not match sys.stdout". HiGHS's own console log is
switched off instead (`_QUIET`), so there is nothing to capture and the
capture is disabled for the process.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import highspy
import pyomo.common.tee
import pyomo.environ as pyo
from pyomo.common.enums import CaptureOutputMode
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from optimizer.bulk_highs import BulkHighs
from supplysync.plan import PlanStatus

_STOPPED = {
    TerminationCondition.maxTimeLimit,
    TerminationCondition.iterationLimit,
    TerminationCondition.interrupted,
    TerminationCondition.objectiveLimit,
}


pyomo.common.tee.OVERRIDE_CAPTURE_OUTPUT = CaptureOutputMode.DISABLE


def _swallow_banner() -> None:
    """Construct the process's first HiGHS instance with stdout pointed at /dev/null.

    HiGHS prints its copyright banner from the first constructor call in a
    process, before any option can turn output off; later instances are quiet.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no stubs
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_swallow_banner()

_QUIET = {"output_flag": False, "log_to_console": False}


class SolverUnavailableError(RuntimeError):
    """HiGHS is not installed or failed in a way no plan can come from."""


@dataclass(frozen=True)
class SolveParams:
    """Stopping rules passed to HiGHS.

    Attributes:
        time_limit_s: wall seconds HiGHS may search (the best plan found is kept).
        mip_gap: relative gap at which a solution counts as optimal.
        threads: HiGHS threads; one is fastest for these small models on a
            shared machine (and makes runs repeatable).
    """

    time_limit_s: float = 10.0
    mip_gap: float = 0.01
    threads: int = 1

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError("Expected time_limit_s > 0.")
        if not 0 <= self.mip_gap <= 1:
            raise ValueError("Expected 0 <= mip_gap <= 1.")
        if self.threads < 1:
            raise ValueError("Expected threads >= 1.")


@dataclass(frozen=True)
class SolveResult:
    """How a solve ended. Variable values are loaded into the model when `has_solution`.

    Attributes:
        bound: the best lower bound proved, when the solver reports one.
        stopped: the search stopped at a limit without a plan (with one,
            the status is `TIME_LIMIT`).
        rounded: the plan is an LP relaxation rounded up (`optimizer.dive`,
            `optimizer.repair`), not the MIP's.
    """

    status: PlanStatus
    has_solution: bool
    objective: float | None
    gap: float | None
    seconds: float
    message: str
    bound: float | None = None
    stopped: bool = False
    rounded: bool = False

    @property
    def time_limited(self) -> bool:
        """Stopped at a time (or other) limit before proving the gap asked for."""
        return self.stopped or self.status is PlanStatus.TIME_LIMIT


def persistent_solver(model: pyo.ConcreteModel) -> Highs:
    """A HiGHS instance holding `model`, updated only through its mutable parameters.

    It is Pyomo's persistent interface, loading in bulk (`BulkHighs`).

    Every automatic structure check is off: they walk the whole model on each
    solve (seconds on a large one) and a model of the same shape has nothing
    for them to find. So is the automatic parameter push: the caller pushes
    changed parameters (`update_parameters`) before its first solve, because
    a push inside `solve` changes HiGHS's model, which drops the MIP start a
    dive set (`optimizer.dive.full_solve`): without it the M benchmark's first
    plan takes 28 s instead of 2 s.

    The instance is quiet and single-threaded from the start, not only once
    `solve` passes its options: LPs run on it directly (`optimizer.reprice`)
    before any MIP, and HiGHS fixes its thread scheduler at the first run,
    refusing a later run that asks for another thread count.
    """
    solver = BulkHighs()
    if not solver.available():
        raise SolverUnavailableError("HiGHS (highspy) is not available to Pyomo")
    updates = solver.config.auto_updates
    for name in (
        "check_for_new_or_removed_constraints",
        "check_for_new_or_removed_vars",
        "check_for_new_or_removed_params",
        "check_for_new_objective",
        "update_constraints",
        "update_vars",
        "update_named_expressions",
        "update_objective",
        "update_parameters",
    ):
        setattr(updates, name, False)
    solver.set_instance(model)
    for name, value in {**_QUIET, "threads": SolveParams.threads}.items():
        solver._solver_model.setOptionValue(name, value)
    return solver


def cancel(solver: Highs) -> None:
    """Ask a running HiGHS to stop (honoured in simplex, IPM and MIP, not in presolve)."""
    inner = getattr(solver, "_solver_model", None)
    if inner is not None:
        inner.cancelSolve()


def solve(
    model: pyo.ConcreteModel, params: SolveParams, solver: Highs | None = None
) -> SolveResult:
    """Solve `model` with HiGHS and load the best solution found into it.

    Args:
        model: the model; with `solver`, the one it holds, parameter
            changes since pushed (`update_parameters`).
        params: stopping rules.
        solver: a persistent solver from `persistent_solver`; a fresh one when None.
    """
    solver = solver or persistent_solver(model)
    start = time.perf_counter()
    try:
        res = solver.solve(
            model,
            time_limit=params.time_limit_s,
            rel_gap=params.mip_gap,
            threads=params.threads,
            solver_options=_QUIET,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
        )
    except (RuntimeError, OSError) as exc:
        raise SolverUnavailableError(f"HiGHS failed: {exc}") from exc
    seconds = time.perf_counter() - start
    has_solution = res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
    term = res.termination_condition
    if not has_solution:
        return SolveResult(
            PlanStatus.ERROR,
            False,
            None,
            None,
            seconds,
            f"no solution: {term.name}",
            stopped=term in _STOPPED,
        )
    res.solution_loader.load_vars()
    objective = _float(res.incumbent_objective)
    bound = _float(res.objective_bound)
    gap = _gap(objective, bound)
    if term == TerminationCondition.convergenceCriteriaSatisfied:
        status = PlanStatus.OPTIMAL
    elif term in _STOPPED:
        status = PlanStatus.TIME_LIMIT
    else:
        status = PlanStatus.FEASIBLE
    return SolveResult(status, True, objective, gap, seconds, term.name, bound=bound)


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


def _gap(objective: float | None, bound: float | None) -> float | None:
    """Relative MIP gap, as HiGHS defines it (|objective - bound| / |objective|)."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)
