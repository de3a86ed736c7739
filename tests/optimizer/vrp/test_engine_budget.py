"""An iteration budget makes the engine's routes a function of the instance and seed alone."""

from __future__ import annotations

import pytest

from benchmarks.networks import SIZES, generate_network, snapshot_for
from benchmarks.vrp_instances import read_instance
from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.vrp import solve_routes
from supplysync.scenario import PlanningSettings
from tests.optimizer.vrp.conftest import shared


def test_an_iteration_budget_gives_the_same_routes_whatever_time_is_left() -> None:
    inst = read_instance(shared("cvrp/X-n101-k25.vrp"))
    short = solve_routes(inst, time_limit_s=20.0, max_iterations=25, seed=3)
    long = solve_routes(inst, time_limit_s=60.0, max_iterations=25, seed=3)
    assert short.iterations == long.iterations == 25
    assert short.routes == long.routes and short.cost == long.cost


def test_a_clock_that_runs_out_first_stops_the_search_early() -> None:
    inst = read_instance(shared("cvrp/X-n101-k25.vrp"))
    cut = solve_routes(inst, time_limit_s=0.001, max_iterations=100_000, seed=3)
    assert cut.iterations < 100_000


def test_a_stop_that_never_lets_it_start_is_refused() -> None:
    inst = read_instance(shared("cvrp/E-n13-k4.vrp"))
    with pytest.raises(ValueError, match="max_iterations >= 1"):
        solve_routes(inst, time_limit_s=1.0, max_iterations=0)


def test_the_same_snapshot_gives_the_same_candidate_routes() -> None:
    spec = SIZES["S"]
    data = planning_data(
        snapshot_for(generate_network(spec), spec.days), PlanningSettings(horizon_periods=spec.days)
    )
    first, second = candidates(data), candidates(data)
    assert [(c.crew, c.period, c.stops) for c in first.columns] == [
        (c.crew, c.period, c.stops) for c in second.columns
    ]
    assert any(
        len(c.stops) > 1 for c in first.columns
    )  # the engine's own routes, not only out-and-backs
