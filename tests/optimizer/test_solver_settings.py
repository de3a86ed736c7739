"""The solver's tunables (`SolverSettings`, `[planning.solver]`) reach the code they tune.

Each family is observed where it acts: the routing engine's budget for
candidate routes and for a rule's deliveries, the pricing rounds' LP and
stopping gain, the plans a planner keeps for repairs and the guard's grace.
The dive's shares and route rounds are in `test_dive`, the stability blocks
in `test_stability`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from optimizer import columns, pricing, routing, warm
from optimizer.columns import candidates, with_visits
from optimizer.data import planning_data
from optimizer.guard import within
from optimizer.pricing import priced_candidates
from optimizer.routing import route_deliveries
from optimizer.session import LpSolution, Session, SolveParams, SolveResult
from optimizer.warm import WarmPlanner
from supplysync.offers import NetworkSnapshot
from supplysync.scenario import SolverSettings, load_scenario
from tests.conftest import DEMO_SCENARIO
from tests.optimizer.conftest import SETTINGS, far_cluster, snapshot_of
from tests.optimizer.test_pricing import overflow
from tests.optimizer.test_routing import _d, _data

QUICK = SETTINGS.model_copy(update={"mip_gap": 0.05})
"""The demo's dive is within this gap: an optimal plan with no MIP to wait for."""


def _engine_calls(module: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The routing engine's calls from `module`: each one's clients and keyword arguments."""
    calls: list[dict[str, Any]] = []
    real = module.solve_routes

    def spy(instance: Any, **kwargs: Any) -> Any:
        calls.append({"clients": instance.num_clients, **kwargs})
        return real(instance, **kwargs)

    monkeypatch.setattr(module, "solve_routes", spy)
    return calls


def test_the_candidate_search_spends_the_iterations_the_settings_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tuning = SolverSettings(
        candidate_min_iterations=1,
        candidate_client_iterations=9,
        candidate_max_iterations=2,
        candidate_no_improvement=7,
        candidate_seconds=2.5,
    )
    data = planning_data(snapshot_of(far_cluster()), SETTINGS.model_copy(update={"solver": tuning}))
    calls = _engine_calls(columns, monkeypatch)
    assert candidates(data).columns
    assert calls
    for call in calls:
        assert call["max_iterations"] == min(2, max(1, 9 // call["clients"]))
        assert (call["no_improvement"], call["time_limit_s"]) == (7, 2.5)


def test_a_rules_delivery_routing_gets_the_time_the_settings_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tuning = SolverSettings(
        routing_base_seconds=0.03,
        routing_client_seconds=0.01,
        routing_most_seconds=0.045,
        routing_no_improvement=9,
    )
    data = replace(_data(), solver=tuning)
    calls = _engine_calls(routing, monkeypatch)
    one = route_deliveries(data, [_d("C1", 10)])
    three = route_deliveries(data, [_d("C1", 10), _d("C2", 10), _d("C3", 10)])
    assert one.routes and three.routes
    assert [c["clients"] for c in calls] == [1, 3]
    assert [c["time_limit_s"] for c in calls] == pytest.approx([0.04, 0.045])
    assert [c["no_improvement"] for c in calls] == [9, 9]


def test_pricing_stops_once_a_round_gains_less_than_the_settings_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On `overflow` the second relaxation gains about 0.8 %: worth a round at 0.1 %, not at 1 %."""
    rounds: list[int] = []
    real = with_visits

    def counted(*args: Any) -> Any:
        rounds.append(1)
        return real(*args)

    monkeypatch.setattr(pricing, "with_visits", counted)

    def rerouted(min_gain: float) -> int:
        rounds.clear()
        tuning = SolverSettings(pricing_min_gain=min_gain)
        settings = SETTINGS.model_copy(update={"solver": tuning})
        priced_candidates(planning_data(snapshot_of(overflow()), settings))
        return len(rounds)

    assert rerouted(SolverSettings().pricing_min_gain) == 2
    assert rerouted(0.01) == 1


def _lp_limits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time limits of the pricing relaxations solved from now on."""
    limits: list[float] = []

    class Spied(Session):
        def mip(self, params: SolveParams, start: LpSolution | None = None) -> SolveResult:
            limits.append(params.time_limit_s)
            return super().mip(params, start)

    monkeypatch.setattr(pricing, "Session", Spied)
    return limits


def test_a_pricing_relaxation_gets_the_seconds_the_settings_give(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = _lp_limits(monkeypatch)
    settings = SETTINGS.model_copy(update={"solver": SolverSettings(pricing_lp_seconds=2.5)})
    priced_candidates(planning_data(snapshot_of(overflow()), settings))
    assert limits and set(limits) == {2.5}


@pytest.mark.parametrize(("kept", "repairable"), [(1, False), (8, True)])
def test_a_planner_keeps_as_many_plans_for_repairs_as_the_settings_say(
    demo_snapshot: NetworkSnapshot, kept: int, repairable: bool
) -> None:
    settings = QUICK.model_copy(update={"solver": SolverSettings(kept_incumbents=kept)})
    planner = WarmPlanner()
    first = planner.plan(demo_snapshot, settings, plan_id="p1")
    planner.plan(demo_snapshot, settings, plan_id="p2")
    assert (planner._incumbent(first) is not None) is repairable


def test_toml_solver_settings_reach_the_planner(
    tmp_path: Path, demo_snapshot: NetworkSnapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[planning.solver]` in a scenario file: the pricing LPs' limit and the guard's grace."""
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    old = "departure_hour = 7\n"
    assert old in text
    solver = "[planning.solver]\npricing_lp_seconds = 7.5\ngrace_share = 0.3\n"
    path = tmp_path / "tuned.toml"
    path.write_text(text.replace(old, f"{old}\n{solver}", 1), encoding="utf-8")
    settings = load_scenario(path).planning
    assert settings.solver == SolverSettings(pricing_lp_seconds=7.5, grace_share=0.3)

    limits = _lp_limits(monkeypatch)
    graces: list[float] = []
    real = within

    def guarded(*args: Any, grace_s: float, **kwargs: Any) -> Any:
        graces.append(grace_s)
        return real(*args, grace_s=grace_s, **kwargs)

    monkeypatch.setattr(warm, "within", guarded)
    plan = WarmPlanner().plan(demo_snapshot, settings, plan_id="p1")
    assert plan.status.is_ok
    assert limits and set(limits) == {7.5}
    assert graces == [pytest.approx(0.3 * settings.time_limit_s)]


def test_other_solver_settings_rebuild_a_warm_model(demo_snapshot: NetworkSnapshot) -> None:
    """The candidate search and the pool of stability blocks are the build's."""
    planner = WarmPlanner()
    planner.plan(demo_snapshot, QUICK, plan_id="p1")
    planner.plan(demo_snapshot, QUICK, plan_id="p2")
    fewer = QUICK.model_copy(update={"solver": SolverSettings(stability_blocks=4)})
    planner.plan(demo_snapshot, fewer, plan_id="p3")
    assert (planner.rebuilds, planner.updates) == (2, 1)
