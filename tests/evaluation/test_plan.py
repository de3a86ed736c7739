"""An evaluation plan refuses what cannot be evaluated before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.kpis import MissingKpiError
from evaluation.plan import EvaluationPlan
from evaluation.suite import case_of
from supplysync.scenario import Scenario

KPI = "inventory_carrying_cost"


def _plan(demo_scenario: Scenario, **changes: Any) -> EvaluationPlan:
    args: dict[str, Any] = {
        "cases": (case_of(demo_scenario),),
        "policies": ("reorder_point", "reorder_tuned", "milp"),
        "kpi": KPI,
    }
    return EvaluationPlan(**{**args, **changes})


def test_a_good_plan(demo_scenario: Scenario) -> None:
    plan = _plan(demo_scenario)
    assert plan.tunes and plan.baseline == "reorder_tuned" and plan.candidate == "milp"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"policies": ("reorder_point", "nope")}, "unknown policy 'nope'"),  # not a policy
        ({"policies": ("milp", "milp", "reorder_tuned")}, "distinct policies"),  # twice
        ({"baseline": "static"}, "baseline 'static' is not among"),  # baseline not run
        ({"candidate": "reorder_point", "baseline": "reorder_point"}, "differ"),  # itself
        ({"seeds": ()}, "one or more seeds"),  # nothing to run
        ({"seeds": (1, 1)}, "distinct seeds"),  # a pair counted twice
        ({"seeds": (0, 1000)}, "disjoint from seeds; both have \\[1000\\]"),  # tuned on test seeds
        ({"kpi": "replans"}, "descriptive"),  # nothing to minimise
        ({"cases": ()}, "at least one scenario"),  # no scenario
        ({"grid": ()}, "non-empty tuning grid"),  # nothing to tune over
    ],
)
def test_bad_plans(demo_scenario: Scenario, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _plan(demo_scenario, **changes)


def test_a_kpi_the_build_does_not_measure(demo_scenario: Scenario) -> None:
    with pytest.raises(MissingKpiError, match=r"'no_such_cost' is not measured.*fill_rate"):
        _plan(demo_scenario, kpi="no_such_cost")


def test_train_seeds_only_matter_when_tuning(demo_scenario: Scenario) -> None:
    plan = _plan(
        demo_scenario, policies=("reorder_point", "milp"), baseline="reorder_point", seeds=(1000,)
    )
    assert not plan.tunes
