"""Rows and costs written straight as Pyomo `LinearExpression`s.

Summing Pyomo terms builds and rebuilds expression trees, and Pyomo's
writers then walk each tree to find its coefficients again. The builders
know every row's terms already, so they write each as a list of
(coefficient, variable) pairs, a coefficient being a number or a mutable
``Param`` (or an expression of one); `BulkHighs` reads such rows term by
term without walking them. Zero numeric coefficients are dropped, as Pyomo
drops ``0 * x``, so a row holds exactly the variables it constrains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.numvalue import native_types
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression

Term = tuple[Any, Any]
"""(coefficient, variable)."""


def linear(terms: Iterable[Term], constants: Iterable[Any] = ()) -> LinearExpression:
    """The sum of `terms` and of `constants` (mutable-Param expressions), as one expression."""
    args: list[Any] = [
        MonomialTermExpression(t) for t in terms if t[0].__class__ not in native_types or t[0]
    ]
    args.extend(constants)
    return LinearExpression(args)


def ones(variables: Iterable[Any]) -> list[Term]:
    """Each variable with coefficient 1."""
    return [(1, v) for v in variables]


def at_most(terms: Iterable[Term], upper: Any) -> InequalityExpression:
    """``sum(terms) <= upper``."""
    return InequalityExpression((linear(terms), upper), False)


def at_least(terms: Iterable[Term], lower: Any) -> InequalityExpression:
    """``sum(terms) >= lower``."""
    return InequalityExpression((lower, linear(terms)), False)


def equal(terms: Iterable[Term], rhs: Any) -> EqualityExpression:
    """``sum(terms) == rhs``."""
    return EqualityExpression((linear(terms), rhs))


def rows(rules: Mapping[Any, Any]) -> pyo.Constraint:
    """An indexed constraint with one row per key of `rules` (its relational expression)."""
    return pyo.Constraint(list(rules), rule=rules)
