"""One planning model loaded into one persistent HiGHS instance, and every call made on it.

A `Session` owns Pyomo's persistent HiGHS interface (loading in bulk,
`optimizer.session.bulk.BulkHighs`), its column map and the LP basis
handed back to it. Callers say what they want done to the model's
decisions (fix, free, relax for an LP, solve the MIP from a start, load a
solution) and never see HiGHS or the interface's internals: the dive, the
repair and the rounding (`optimizer.dive`, `optimizer.repair`,
`optimizer.rounding`) are strategies over these calls.

The instance is persistent: it loads the model once, and later solves of
the same model pass HiGHS only the parameters that changed (bounds,
right-hand sides, coefficients), never the structure.

Pyomo's HiGHS interface normally wraps every load and solve in
`capture_output(capture_fd=True)`, which swaps the process-wide stdout and
stderr (file descriptors and `sys` streams) and checks on exit that nobody
else swapped them meanwhile. That is not thread-safe: a solve in the guard's
worker thread and anything else capturing output (an abandoned solve winding
down, a test runner) trip over each other and the solve fails with
"Captured output ... does not match sys.stdout". HiGHS's own console log is
switched off instead (`_QUIET`), so there is nothing to capture and the
capture is disabled for the process.

Pyomo's interface has no LP-with-basis call, so `lp` runs on its HiGHS
instance directly through the interface's column map; `free` (or `fix`) on
the same variables afterwards pushes their integrality and bounds back.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import highspy
import numpy as np
import pyomo.common.tee
import pyomo.environ as pyo
from pyomo.common.enums import CaptureOutputMode
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from optimizer.session.bulk import BulkHighs
from optimizer.session.outcome import LpSolution, SolveParams, SolveResult, SolverUnavailableError
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


class Session:
    """`model` loaded into a quiet, single-threaded persistent HiGHS instance.

    Every automatic structure check is off: they walk the whole model on each
    solve (seconds on a large one) and a model of the same shape has nothing
    for them to find. So is the automatic parameter push: the caller pushes
    changed parameters (`push_parameters`) before its first solve, because
    a push inside a solve changes HiGHS's model, which drops the MIP start a
    dive set (`optimizer.dive.full_solve`): without it the M benchmark's first
    plan takes 28 s instead of 2 s.

    The instance is quiet and single-threaded from the start, not only once
    `mip` passes its options: LPs run on it directly (`lp`) before any MIP,
    and HiGHS fixes its thread scheduler at the first run, refusing a later
    run that asks for another thread count.

    Raises:
        SolverUnavailableError: HiGHS is not available to Pyomo.
    """

    def __init__(self, model: pyo.ConcreteModel) -> None:
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
        self._solver = solver
        self._model = model
        self._highs: Any = solver._solver_model
        for name, value in {**_QUIET, "threads": SolveParams.threads}.items():
            self._highs.setOptionValue(name, value)

    def size(self) -> tuple[int, int]:
        """Columns and rows HiGHS holds."""
        return self._highs.getNumCol(), self._highs.getNumRow()

    def add_block(self, block: Any) -> None:
        """Load rows (and their parameters and new variables) added to the model since."""
        self._solver.add_block(block)

    def push_parameters(self) -> None:
        """Pass HiGHS every mutable parameter's current value (once, before the first solve)."""
        self._solver.update_parameters()

    def fix(self, values: Iterable[tuple[Any, float]]) -> None:
        """Fix each variable at its value, in the model and in HiGHS."""
        fixed = []
        for var, value in values:
            var.fix(value)
            fixed.append(var)
        self._solver.update_variables(fixed)

    def free(self, variables: Sequence[Any]) -> None:
        """Unfix `variables`: their own bounds and integrality again, in the model and in HiGHS."""
        for var in variables:
            var.unfix()
        self._solver.update_variables(variables)

    def lp(self, relaxed: Sequence[Any], seconds: float, basis: Any | None) -> LpSolution | None:
        """Solve the model as an LP, `relaxed` made continuous; None unless optimal.

        Args:
            relaxed: every integer variable of the model; fixed ones stay at
                their value, free ones are relaxed to their bounds until
                `free` or `fix` pushes them again.
            seconds: wall time allowed.
            basis: a basis from an earlier `lp` of this model, or None for a
                cold start.

        HiGHS checks an LP's `time_limit` against the instance's total run
        time since it was created, not since this run started, so the limit
        is set as that total plus the seconds allowed.
        """
        highs = self._highs
        columns = self._solver._pyomo_var_to_solver_var_map
        index = np.array([columns[id(v)] for v in relaxed], dtype=np.int32)
        continuous = np.full(len(index), highspy.HighsVarType.kContinuous)
        highs.changeColsIntegrality(len(index), index, continuous)
        if basis is not None:
            highs.setBasis(_grown(basis, highs.getNumCol(), highs.getNumRow()))
        highs.setOptionValue("time_limit", highs.getRunTime() + max(seconds, 0.01))
        start = time.perf_counter()
        highs.run()
        took = time.perf_counter() - start
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        objective = float(highs.getInfo().objective_function_value)
        return LpSolution(objective, highs.getSolution(), highs.getBasis(), took)

    def mip(self, params: SolveParams, start: LpSolution | None = None) -> SolveResult:
        """Solve the MIP from `start` (if any) and load the best solution found into the model.

        The model's changed parameters must already be pushed (`push_parameters`).
        """
        if start is not None:
            self._highs.setSolution(start.solution)
        began = time.perf_counter()
        try:
            res = self._solver.solve(
                self._model,
                time_limit=params.time_limit_s,
                rel_gap=params.mip_gap,
                threads=params.threads,
                solver_options=_QUIET,
                load_solutions=False,
                raise_exception_on_nonoptimal_result=False,
            )
        except (RuntimeError, OSError) as exc:
            raise SolverUnavailableError(f"HiGHS failed: {exc}") from exc
        seconds = time.perf_counter() - began
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

    def load(self, lp: LpSolution) -> None:
        """Write an LP's solution into the model's variables, as a solve with loading would."""
        values = lp.solution.col_value
        columns = self._solver._pyomo_var_to_solver_var_map
        for var_id, (var, *_) in self._solver._vars.items():
            var.set_value(values[columns[var_id]], skip_validation=True)

    def value_in(self, lp: LpSolution) -> Callable[[Any], float]:
        """A variable's value in an LP's solution."""
        values = lp.solution.col_value
        columns = self._solver._pyomo_var_to_solver_var_map
        return lambda var: float(values[columns[id(var)]])

    def cancel(self) -> None:
        """Ask a running solve to stop (honoured in simplex, IPM and MIP, not in presolve).

        HiGHS keeps its stop flag afterwards: a cancelled session is dropped.
        """
        self._highs.cancelSolve()


def _grown(basis: Any, cols: int, rows: int) -> Any:
    """`basis` for a model that has since gained columns and rows (at their end).

    Stability rows arrive in blocks after the basis was taken
    (`optimizer.stability`); HiGHS refuses a basis of the wrong size and the
    LP then starts cold (0.3 s more on M). New rows are basic (their slack
    takes any infeasibility) and new columns sit at their lower bound of 0,
    which keeps the basis dual feasible for the dual simplex.
    """
    have_cols, have_rows = len(basis.col_status), len(basis.row_status)
    if (have_cols, have_rows) == (cols, rows):
        return basis
    grown = highspy.HighsBasis()
    grown.col_status = [*basis.col_status, *[highspy.HighsBasisStatus.kLower] * (cols - have_cols)]
    grown.row_status = [*basis.row_status, *[highspy.HighsBasisStatus.kBasic] * (rows - have_rows)]
    grown.valid = True
    return grown


def _float(x: Any) -> float | None:
    return None if x is None else float(x)


def _gap(objective: float | None, bound: float | None) -> float | None:
    """Relative MIP gap, as HiGHS defines it (|objective - bound| / |objective|)."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)
