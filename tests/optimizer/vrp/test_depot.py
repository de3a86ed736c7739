"""A depot's day in the engine's units: the engine's routes keep the shift and the room.

The visits here are worth far more than any drive (their prizes are
shortage penalties), and the search is as short as candidate generation's:
the engine must still return routes the independent check accepts, rather
than buy a valuable stop with a late return or an overfull truck.
"""

from __future__ import annotations

import pytest

from optimizer.data import planning_data
from optimizer.vrp import solve_routes, validate
from optimizer.vrp.depot import Truck, Visit, depot_instance
from supplysync.scenario import SolverSettings
from tests.optimizer.conftest import SETTINGS, far_cluster, snapshot_of

CASES = [
    # (what would break, room of the truck, stops a route can hold)
    ("the shift: three of the four stops fit in one", 1_000.0, 3),
    ("the room: two of the 50-unit stops fit in 120", 120.0, 2),
]


@pytest.mark.parametrize(("name", "room", "most"), CASES, ids=[c[0] for c in CASES])
def test_valuable_visits_get_routes_that_pass_the_check(name: str, room: float, most: int) -> None:
    data = planning_data(snapshot_of(far_cluster()), SETTINGS)
    (vehicle,) = data.vehicles
    visits = [Visit(c, 50.0, False, 50.0 * 800.0) for c in data.customers.values()]
    instance = depot_instance(
        data.location("W"), visits, [Truck(vehicle, room, data.departure(0), 1.0)]
    )
    tuning = SolverSettings()
    result = solve_routes(
        instance,
        time_limit_s=5.0,
        no_improvement=tuning.candidate_no_improvement,
        max_iterations=tuning.candidate_min_iterations,
    )
    assert validate(instance, result.routes, result.vehicle_classes) == [], name
    assert [len(r) for r in result.routes] == [most]
