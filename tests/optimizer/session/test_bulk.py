"""BulkHighs loads and updates exactly what Pyomo's standard persistent HiGHS interface does."""

from __future__ import annotations

from typing import Any

import highspy
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.solvers.highs import Highs
from pyomo.core.expr.numeric_expr import NPV_MaxExpression, NPV_MinExpression

from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.linear import at_least, at_most, equal, linear, ones, rows
from optimizer.model import build_model
from optimizer.session.bulk import BulkHighs, fast_value, linear_terms
from supplysync.offers import NetworkSnapshot
from tests.optimizer.conftest import SETTINGS


def _toy() -> pyo.ConcreteModel:
    """Linear rows with Params in coefficients and bounds, and one row only Pyomo's walker reads."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(3), domain=pyo.NonNegativeReals)
    m.y = pyo.Var(domain=pyo.Binary)
    m.cap = pyo.Param(mutable=True, initialize=4.0)
    m.w = pyo.Param(range(2), mutable=True, initialize={0: 1.5, 1: 2.0})
    m.x[2].setub(m.cap)
    m.z = pyo.Var(domain=pyo.Reals, bounds=(-2.5, None))
    m.k = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(None, 7))
    m.rows = rows(
        {
            "link": at_most([(1, m.x[0]), (-m.cap, m.y)], 0.0),
            "floor": at_least(ones([m.x[0], m.x[1]]), m.w[0] + m.w[1]),
            "fix": equal([(2.0, m.x[2]), (1, m.x[1])], m.w[1]),
            "bounded": at_most([(1, m.z), (3, m.k), (-1, m.y)], m.cap),
        }
    )
    m.walked = pyo.Constraint(expr=(m.x[0] + m.x[1]) * 2 + m.x[1] <= 3 * m.cap)
    m.cost = pyo.Objective(
        expr=linear(
            [(1.0, m.x[0]), (m.w[0], m.x[1]), (2 * m.w[1], m.x[2]), (m.w[0], m.x[0])],
            [-m.w[0] * m.cap],
        )
    )
    return m


def _lp(solver: Any) -> tuple[Any, ...]:
    """The loaded LP keyed by Pyomo names: columns, rows (as sorted terms), objective."""
    h = solver._solver_model
    lp = h.getLp()
    name = {
        col: solver._vars[vid][0].name for vid, col in solver._pyomo_var_to_solver_var_map.items()
    }
    a = lp.a_matrix_
    entries: dict[int, list[tuple[str, float]]] = {}
    colwise = "Colwise" in str(a.format_)
    outer = lp.num_col_ if colwise else lp.num_row_
    for k in range(outer):
        for e in range(a.start_[k], a.start_[k + 1]):
            row, col = (a.index_[e], k) if colwise else (k, a.index_[e])
            entries.setdefault(row, []).append((name[col], round(a.value_[e], 12)))
    kinds = list(lp.integrality_) or [highspy.HighsVarType.kContinuous] * lp.num_col_
    cols = sorted(
        (name[j], lp.col_lower_[j], lp.col_upper_[j], round(lp.col_cost_[j], 12), int(kinds[j]))
        for j in range(lp.num_col_)
    )
    rws = sorted(
        (tuple(sorted(entries.get(i, []))), lp.row_lower_[i], lp.row_upper_[i])
        for i in range(lp.num_row_)
    )
    return cols, rws, round(lp.offset_, 9)


def _loaded(model: pyo.ConcreteModel, cls: type) -> Any:
    solver = cls()
    solver.config.auto_updates.check_for_new_or_removed_constraints = False
    solver.set_instance(model)
    return solver


def _change_params(model: pyo.ConcreteModel) -> None:
    for p in model.component_objects(pyo.Param, descend_into=True):
        for k in p:
            p[k] = pyo.value(p[k]) * 1.5 + 0.25


def test_toy_model_loads_and_updates_as_the_standard_interface() -> None:
    model = _toy()
    bulk, std = _loaded(model, BulkHighs), _loaded(model, Highs)
    assert _lp(bulk) == _lp(std)
    _change_params(model)
    bulk.update_parameters()
    std.update_parameters()
    assert _lp(bulk) == _lp(std)


def test_planning_model_loads_as_the_standard_interface(demo_snapshot: NetworkSnapshot) -> None:
    """The demo's planning model (production, maintenance, purchases, cold chain, routes)
    reads back equal from both interfaces, before and after its parameters change."""
    data = planning_data(demo_snapshot, SETTINGS)
    model = build_model(data, candidates(data)).model
    bulk, std = _loaded(model, BulkHighs), _loaded(model, Highs)
    assert _lp(bulk) == _lp(std)
    _change_params(model)
    bulk.update_parameters()
    std.update_parameters()
    assert _lp(bulk) == _lp(std)


def test_fixing_a_binary_through_update_variables_sets_its_bounds() -> None:
    model = _toy()
    solver = _loaded(model, BulkHighs)
    model.y.fix(1)
    solver.update_variables([model.y])
    col = solver._pyomo_var_to_solver_var_map[id(model.y)]
    lp = solver._solver_model.getLp()
    assert (lp.col_lower_[col], lp.col_upper_[col]) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("expr", "readable"),
    [
        (lambda m: linear([(2.0, m.x[0]), (m.w[0], m.x[1])]), True),
        (lambda m: linear(ones([m.x[0], m.x[0]])), False),  # a variable twice: Pyomo adds them up
        (lambda m: (m.x[0] + m.x[1]) * 2, False),  # a product of a sum: Pyomo's walker expands it
        (lambda m: m.x[0], True),  # a bare variable
    ],
)
def test_linear_terms_reads_only_flat_linear_forms(expr: Any, readable: bool) -> None:
    assert (linear_terms(expr(_toy())) is not None) == readable


def test_fast_value_agrees_with_pyomo() -> None:
    m = _toy()
    bounds = (NPV_MaxExpression((m.cap, 5.0)), NPV_MinExpression((m.w[0], m.w[1], 1.75)))
    for e in (m.cap, -m.cap, 2 * m.w[1], m.w[0] + m.w[1], -m.w[0] * m.cap, 3.5, *bounds):
        assert fast_value(e) == pyo.value(e)
    assert [fast_value(b) for b in bounds] == [5.0, 1.5]
