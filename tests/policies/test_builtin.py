"""The built-in policies' parameters: the planner's own settings, bounded as the scenario's."""

from __future__ import annotations

import pytest

from policies.builtin import SettingsParams, overridden
from policies.plugins import PolicyError, load_policy
from supplysync.scenario import PlanningSettings, Scenario
from tests.optimizer.conftest import snapshot_of


def test_a_parameter_replaces_that_setting_and_leaves_the_others() -> None:
    scenario = PlanningSettings(routed_periods=2, mip_gap=0.02, horizon_periods=4)
    made = overridden(scenario, SettingsParams(routed_periods=1, repair=False))
    assert (made.routed_periods, made.repair) == (1, False)
    assert (made.mip_gap, made.horizon_periods) == (0.02, 4)
    assert overridden(scenario, SettingsParams()) is scenario


def test_milp_with_no_routed_periods_plans_deliveries_and_no_routes(
    demo_scenario: Scenario,
) -> None:
    snapshot = snapshot_of(demo_scenario.network, 3)
    plans = {
        spec: load_policy(spec).make_planner()(snapshot, demo_scenario.planning, "p-1", [], None)
        for spec in ("milp", "milp[routed_periods=0]")
    }
    assert plans["milp"].routes, "the scenario's settings route the first periods"
    assert plans["milp[routed_periods=0]"].deliveries
    assert plans["milp[routed_periods=0]"].routes == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("static[routed_periods=1]", "unknown parameter 'routed_periods'"),
        ("milp[horizon_periods=6]", "unknown parameter 'horizon_periods'"),
        ("hindsight[time_limit_s=0]", "parameter 'time_limit_s': Input should be greater than 0"),
    ],
)
def test_a_setting_a_built_in_does_not_own_is_refused(spec: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        load_policy(spec)
