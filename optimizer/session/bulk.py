"""Pyomo's persistent HiGHS interface, loading a linear model in bulk.

`Highs.set_instance` walks every row twice (once to collect its variables,
once for `generate_standard_repn`), makes two HiGHS calls per row for the
variables it brings, and one per mutable objective coefficient: on the M
benchmark network that was most of the cold build. Rows whose body is a
`LinearExpression` (the planning model writes every row that way, see
`optimizer.linear`) can be read term by term instead. `BulkHighs` reads
them, fills exactly the state the standard interface keeps (variable and
row maps, referenced variables, mutable coefficient and bound helpers), and
passes HiGHS the columns, rows and costs in one call each. Everything after
loading (parameter updates, bound changes through `update_variables`,
loading solutions, adding or removing rows) is therefore the standard
interface's own code; only `update_parameters` differs, batching the same
helpers' row bounds, column bounds and costs into one HiGHS call each
instead of one per row or column.

A row that is not such a linear form of unfixed variables, each at most
once, and an objective that is not one, take the standard path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import highspy
import numpy as np
from pyomo.contrib.solver.common.util import get_objective
from pyomo.contrib.solver.solvers.highs import (
    Highs,
    _MutableConstraintBounds,
    _MutableLinearCoefficient,
)
from pyomo.core.base.constraint import Constraint, ConstraintData
from pyomo.core.base.objective import ObjectiveData
from pyomo.core.base.param import Param, ParamData
from pyomo.core.base.sos import SOSConstraint
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NPV_MaxExpression,
    NPV_MinExpression,
    NPV_NegationExpression,
    NPV_ProductExpression,
    NPV_SumExpression,
)
from pyomo.core.expr.numvalue import is_constant, native_types, value
from pyomo.core.kernel.objective import maximize, minimize

from optimizer.gcpause import paused_gc

INF = highspy.kHighsInf

_PLAIN = (type(None), int, float)
"""Classes of a variable bound the bulk path reads directly (anything else is mutable)."""

Terms = list[tuple[Any, VarData]]
"""(coefficient, variable) pairs: a coefficient is a number or a mutable-Param expression."""


def fast_value(expr: Any) -> Any:
    """`value` of a Param expression, without Pyomo's expression walker for the usual shapes.

    Coefficients and bounds are Params, their negation, a product or a sum
    of them, and a mutable variable bound is the max (min) of its Param and
    its domain's bound; evaluating those directly (in the order Pyomo's
    walker would) is several times faster, and tens of thousands are
    evaluated per load and per update.
    """
    cls = expr.__class__
    if cls in native_types:
        return expr
    if cls is ParamData:
        return expr.value
    if cls is NPV_NegationExpression:
        return -fast_value(expr.args[0])
    if cls is NPV_ProductExpression:
        a, b = expr.args
        return fast_value(a) * fast_value(b)
    if cls is NPV_SumExpression:
        return sum(fast_value(a) for a in expr.args)
    if cls is NPV_MaxExpression:
        return max(fast_value(a) for a in expr.args)
    if cls is NPV_MinExpression:
        return min(fast_value(a) for a in expr.args)
    return value(expr)


def linear_terms(expr: Any, *, unique: bool = True) -> tuple[Terms, Any] | None:
    """The terms and constant of a linear form of unfixed variables, or None for anything else.

    With `unique`, None also when a variable appears twice: the standard
    path adds up its coefficients in a row (an objective's are added up here).
    """
    if expr.__class__ is LinearExpression:
        args: Iterable[Any] = expr.args
    elif expr.__class__ is MonomialTermExpression or (
        expr.__class__ not in native_types and expr.is_variable_type()
    ):
        args = (expr,)
    else:
        return None
    terms: Terms = []
    constants: list[Any] = []
    for arg in args:
        if arg.__class__ is MonomialTermExpression:
            coef, var = arg.args
        elif arg.__class__ in native_types or not arg.is_potentially_variable():
            constants.append(arg)
            continue
        elif arg.is_variable_type():
            coef, var = 1, arg
        else:
            return None
        if var.fixed:
            return None
        terms.append((coef, var))
    if unique and len({id(v) for _, v in terms}) != len(terms):
        return None
    if not constants:
        return terms, 0
    if len(constants) == 1:
        return terms, constants[0]
    return terms, NPV_SumExpression(constants)


class BulkHighs(Highs):  # type: ignore[misc]  # pyomo ships no stubs
    """The persistent HiGHS interface with a bulk `set_instance` and `update_parameters`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._intervals: dict[int, tuple[Any, Any, Any]] = {}
        self._new_lbs: list[float] = []
        self._new_ubs: list[float] = []
        self._new_integers: list[int] = []

    def set_instance(self, model: Any) -> None:
        """Load `model` into a fresh HiGHS instance (the standard interface's state, in bulk)."""
        with paused_gc():
            self._load(model)

    def _load(self, model: Any) -> None:
        if self._last_results_object is not None:
            self._last_results_object.solution_loader.invalidate()
        self._reinit()
        self._model = model
        self._solver_model = highspy.Highs()  # type: ignore[no-untyped-call]
        self.add_block(model)
        self.add_sos_constraints(
            list(model.component_data_objects(SOSConstraint, descend_into=True, active=True))
        )
        obj = get_objective(model)
        read = None if obj is None else linear_terms(obj.expr, unique=False)
        if obj is None or read is None:
            self.set_objective(obj)
        else:
            self._set_linear_objective(obj, *read)

    def add_block(self, block: Any) -> None:
        """Add a block's parameters and rows (its new variables with them), rows in bulk.

        The standard interface's `add_block`, for blocks with no objective or
        SOS rows: how a warm model takes rows added after its load (the
        stability rows of `optimizer.stability`).
        """
        with paused_gc():
            params = {
                id(p): p
                for comp in block.component_objects(Param, descend_into=True)
                if comp.mutable
                for p in comp.values()
            }
            self.add_parameters(list(params.values()))
            self._add_rows(block.component_data_objects(Constraint, descend_into=True, active=True))

    def _add_rows(self, cons: Iterable[ConstraintData]) -> None:
        """Add rows in order: linear ones in batches, any other one on the standard path."""
        batch: list[tuple[ConstraintData, Terms, Any, Any]] = []
        for con in cons:
            lower, body, upper = con.to_bounded_expression()
            read = linear_terms(body)
            if read is None:
                self._load_rows(batch)
                batch = []
                self.add_constraints([con])
            else:
                batch.append(
                    (con, read[0], self._bound(lower, read[1]), self._bound(upper, read[1]))
                )
        self._load_rows(batch)

    @staticmethod
    def _bound(bound: Any, constant: Any) -> Any:
        if bound is None:
            return None
        return bound - constant if constant.__class__ not in native_types or constant else bound

    def _new_col(self, v: VarData) -> int:
        """The column of `v`, not yet loaded, registered as the standard `add_variables` would.

        Callers look a variable up in the column map first (the hot path) and
        come here only when it is missing. New columns reach HiGHS at the
        next `_flush_vars`, in one call. The
        standard path asks each variable's domain for its interval and checks
        its bounds one at a time; here intervals are looked up once per
        domain, and only a variable with a mutable bound (or a fixed one)
        goes through the standard `_process_domain_and_bounds`.
        """
        v_id = id(v)
        domain = v.domain
        interval = self._intervals.get(id(domain))
        if interval is None:
            interval = self._intervals[id(domain)] = domain.get_interval()
        lb, ub, fixed = v._lb, v._ub, v.fixed
        self._referenced_variables[v_id] = [{}, {}, None]
        self._vars[v_id] = (v, lb, ub, fixed, interval, v.value)
        col: int = len(self._pyomo_var_to_solver_var_map)
        self._pyomo_var_to_solver_var_map[v_id] = col
        if fixed or not (lb.__class__ in _PLAIN and ub.__class__ in _PLAIN):
            lo, hi, kind = self._process_domain_and_bounds(v_id)
            integer = kind == highspy.HighsVarType.kInteger
        else:
            lo, hi, step = interval
            if step not in (0, 1):
                raise ValueError(f"Unrecognized domain step: {step} (should be either 0 or 1)")
            integer = step == 1
            lo = -INF if lo is None else lo
            hi = INF if hi is None else hi
            if lb is not None:
                lo = max(lb, lo)
            if ub is not None:
                hi = min(ub, hi)
        if integer:
            self._new_integers.append(col)
        self._new_lbs.append(lo)
        self._new_ubs.append(hi)
        return col

    def _flush_vars(self) -> None:
        """Pass HiGHS the columns `_new_col` registered since the last flush."""
        if not self._new_lbs:
            return
        self._sol = None
        if self._last_results_object is not None:
            self._last_results_object.solution_loader.invalidate()
        highs, lbs, ubs, ints = self._solver_model, self._new_lbs, self._new_ubs, self._new_integers
        highs.addVars(len(lbs), np.array(lbs, dtype=np.double), np.array(ubs, dtype=np.double))
        if ints:
            highs.changeColsIntegrality(
                len(ints),
                np.array(ints, dtype=np.int32),
                np.full(len(ints), highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
        self._new_lbs, self._new_ubs, self._new_integers = [], [], []

    def _load_rows(self, batch: list[tuple[ConstraintData, Terms, Any, Any]]) -> None:
        if not batch:
            return
        self._sol = None
        if self._last_results_object is not None:
            self._last_results_object.solution_loader.invalidate()
        col_of, refs = self._pyomo_var_to_solver_var_map, self._referenced_variables
        new_col = self._new_col
        row_of, con_at = self._pyomo_con_to_solver_con_map, self._solver_con_to_pyomo_con_map
        helpers, highs = self._mutable_helpers, self._solver_model
        active, named, uses = (
            self._active_constraints,
            self._named_expressions,
            self._vars_referenced_by_con,
        )
        lbs: list[float] = []
        ubs: list[float] = []
        starts: list[int] = []
        cols: list[int] = []
        coefs: list[float] = []
        row = len(row_of)
        for con, terms, lower, upper in batch:
            active[con] = con.expr
            named[con] = []
            uses[con] = [v for _, v in terms]
            starts.append(len(coefs))
            for coef, v in terms:
                col = col_of.get(id(v))
                if col is None:
                    col = new_col(v)
                refs[id(v)][0][con] = None
                if coef.__class__ in native_types:
                    cols.append(col)
                    coefs.append(coef)
                    continue
                val = fast_value(coef)
                if not is_constant(coef):
                    helpers.setdefault(con, []).append(
                        _MutableLinearCoefficient(con, id(v), row_of, col_of, coef, highs)
                    )
                    if val == 0:
                        continue
                cols.append(col)
                coefs.append(val)
            lb = -INF if lower is None else lower
            ub = INF if upper is None else upper
            if not (is_constant(lb) and is_constant(ub)):
                helpers.setdefault(con, []).append(
                    _MutableConstraintBounds(lb, ub, con, row_of, highs)
                )
            lbs.append(fast_value(lb))
            ubs.append(fast_value(ub))
            row_of[con] = row
            con_at[row] = con
            row += 1
        self._flush_vars()
        highs.addRows(
            len(lbs),
            np.array(lbs, dtype=np.double),
            np.array(ubs, dtype=np.double),
            len(coefs),
            np.array(starts, dtype=np.int32),
            np.array(cols, dtype=np.int32),
            np.array(coefs, dtype=np.double),
        )

    def _set_linear_objective(self, obj: ObjectiveData, terms: Terms, constant: Any) -> None:
        """`set_objective` for a linear form: costs in one call, mutable ones kept for updates."""
        self._sol = None
        if self._last_results_object is not None:
            self._last_results_object.solution_loader.invalidate()
        self._objective, self._objective_expr, self._objective_sense = obj, obj.expr, obj.sense
        self._obj_named_expressions: list[Any] = []
        self._vars_referenced_by_obj = [v for _, v in terms]
        col_of, refs, new_col = (
            self._pyomo_var_to_solver_var_map,
            self._referenced_variables,
            self._new_col,
        )
        fixed_costs: dict[int, float] = {}
        mutable: dict[int, tuple[int, float, list[Any]]] = {}
        for coef, v in terms:
            col = col_of.get(id(v))
            if col is None:
                col = new_col(v)
            refs[id(v)][2] = obj
            if coef.__class__ in native_types:
                fixed_costs[col] = fixed_costs.get(col, 0.0) + coef
            elif is_constant(coef):
                fixed_costs[col] = fixed_costs.get(col, 0.0) + fast_value(coef)
            else:
                mutable.setdefault(col, (col, 0.0, []))[2].append(coef)
        self._flush_vars()
        costs = np.zeros(len(col_of), dtype=np.double)
        if fixed_costs:
            costs[np.fromiter(fixed_costs, dtype=np.int64, count=len(fixed_costs))] = np.fromiter(
                fixed_costs.values(), dtype=np.double, count=len(fixed_costs)
            )
        if obj.sense == minimize:
            sense = highspy.ObjSense.kMinimize
        elif obj.sense == maximize:
            sense = highspy.ObjSense.kMaximize
        else:
            raise ValueError(f"Objective sense is not recognized: {obj.sense}")
        fixed = [(col, float(costs[col]), parts) for col, _, parts in mutable.values()]
        self._solver_model.changeObjectiveSense(sense)
        self._solver_model.changeColsCost(len(costs), np.arange(len(costs)), costs)
        self._mutable_objective = _BulkObjective(self._solver_model, fixed, constant)
        self._mutable_objective.update()

    def update_parameters(self) -> None:
        """The standard update, with row bounds, column bounds and costs in one call each."""
        self._sol = None
        if self._last_results_object is not None:
            self._last_results_object.solution_loader.invalidate()
        rows: list[int] = []
        row_lb: list[float] = []
        row_ub: list[float] = []
        row_of, col_of = self._pyomo_con_to_solver_con_map, self._pyomo_var_to_solver_var_map
        highs: Any = self._solver_model
        for con, helpers in self._mutable_helpers.items():
            for helper in helpers:
                if helper.__class__ is _MutableConstraintBounds:
                    rows.append(row_of[con])
                    row_lb.append(fast_value(helper.lower_expr))
                    row_ub.append(fast_value(helper.upper_expr))
                elif helper.__class__ is _MutableLinearCoefficient:
                    col = col_of[helper.pyomo_var_id]
                    highs.changeCoeff(row_of[con], col, fast_value(helper.expr))
                else:
                    helper.update()
        if rows:
            highs.changeRowsBounds(len(rows), np.array(rows), np.array(row_lb), np.array(row_ub))
        cols = [col_of[v_id] for v_id in self._mutable_bounds]
        if cols:
            bounds = [h for _, h in self._mutable_bounds.values()]
            col_lb = np.array([fast_value(h.lower_expr) for h in bounds], dtype=np.double)
            col_ub = np.array([fast_value(h.upper_expr) for h in bounds], dtype=np.double)
            highs.changeColsBounds(len(cols), np.array(cols), col_lb, col_ub)
        self._mutable_objective.update()


class _BulkObjective:
    """The mutable part of a linear objective: costs with Params in them, and the constant.

    Many costs share one Param expression (a period's stability weight is in
    every cost of that period), so each distinct expression is evaluated
    once per update and the costs are summed from them in numpy.
    """

    def __init__(
        self, highs: Any, mutable: list[tuple[int, float, list[Any]]], constant: Any
    ) -> None:
        self._highs = highs
        self._cols = np.array([col for col, _, _ in mutable], dtype=np.int32)
        self._fixed = np.array([fixed for _, fixed, _ in mutable], dtype=np.double)
        where: dict[int, int] = {}
        self._exprs: list[Any] = []
        at: list[int] = []
        which: list[int] = []
        for k, (_, _, parts) in enumerate(mutable):
            for p in parts:
                if id(p) not in where:
                    where[id(p)] = len(self._exprs)
                    self._exprs.append(p)
                at.append(k)
                which.append(where[id(p)])
        self._at = np.array(at, dtype=np.int64)
        self._which = np.array(which, dtype=np.int64)
        self._constant = constant

    def update(self) -> None:
        """Write the current costs and constant."""
        if len(self._cols):
            values = np.array([fast_value(e) for e in self._exprs], dtype=np.double)
            costs = self._fixed + np.bincount(
                self._at, weights=values[self._which], minlength=len(self._cols)
            )
            self._highs.changeColsCost(len(self._cols), self._cols, costs)
        self._highs.changeObjectiveOffset(fast_value(self._constant))
