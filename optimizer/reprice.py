"""Re-pricing a plan: the planning LP with every on/off decision fixed, hot-started.

A repair (`optimizer.repair`) first re-prices the plan in force on the new
data: with its setups, maintenance and routes fixed, what is left is an LP
over the quantities. Solved as a MIP, HiGHS presolves the whole model again
each time (1.2 s on the M benchmark network); solved as an LP from the basis
of the previous re-pricing, dual simplex needs a few hundred iterations
(0.07-0.1 s on M against 0.46 s for the first, cold, LP). So the fixed
binaries are made continuous for this solve, the LP runs directly on the
persistent HiGHS instance, and its basis is kept for the next one.

HiGHS checks an LP's `time_limit` against the instance's total run time
since it was created, not since this run started, so the limit is set as
that total plus the seconds allowed.

Pyomo's HiGHS interface has no LP-with-basis call, so this uses its HiGHS
instance and variable map (`_solver_model`, `_pyomo_var_to_solver_var_map`,
`_vars`), as `optimizer.solve.cancel` does; `update_variables` on the same
variables afterwards gives them back their integrality and bounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from pyomo.contrib.solver.solvers.highs import Highs

from optimizer.columns import RouteCandidates
from optimizer.repair import rounded


@dataclass(frozen=True)
class Repriced:
    """An optimal re-pricing: its objective, complete solution and basis."""

    objective: float
    solution: Any
    basis: Any
    seconds: float


def reprice(
    solver: Highs, integers: Sequence[Any], seconds: float, basis: Any | None
) -> Repriced | None:
    """Solve the model as an LP, `integers` made continuous; None unless optimal.

    Args:
        solver: the persistent solver; its parameters and bounds already pushed.
        integers: every integer variable of the model; fixed ones stay at
            their value, free ones are relaxed to their bounds.
        seconds: wall time allowed.
        basis: a basis from an earlier `reprice` of the same model, or None.
    """
    highs = solver._solver_model
    columns = solver._pyomo_var_to_solver_var_map
    index = np.array([columns[id(v)] for v in integers], dtype=np.int32)
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
    return Repriced(objective, highs.getSolution(), highs.getBasis(), took)


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


def reprice_rounded(
    solver: Highs,
    model: Any,
    free: Sequence[Any],
    every: Sequence[Any],
    *,
    cands: RouteCandidates,
    relaxed: Repriced,
    seconds: float,
) -> Repriced | None:
    """Fix the `free` binaries to the rounding of `relaxed` (`optimizer.repair.rounded`), re-price.

    Both the dive (every binary free) and a repair (the touched ones free)
    turn their relaxation into a plan this way; the LP starts from the
    relaxation's basis. The free binaries stay fixed for the caller to free.
    """
    choice = rounded(model, free, cands, values_of(solver, relaxed.solution))
    for var in free:
        var.fix(choice[id(var)])
    solver.update_variables(free)
    return reprice(solver, every, seconds, relaxed.basis)


def load(solver: Highs, solution: Any) -> None:
    """Write a HiGHS solution into the model's variables, as a solve with loading would."""
    values = solution.col_value
    columns = solver._pyomo_var_to_solver_var_map
    for var_id, (var, *_) in solver._vars.items():
        var.set_value(values[columns[var_id]], skip_validation=True)


def values_of(solver: Highs, solution: Any) -> Callable[[Any], float]:
    """A variable's value in a HiGHS solution."""
    values = solution.col_value
    columns = solver._pyomo_var_to_solver_var_map
    return lambda var: float(values[columns[id(var)]])
