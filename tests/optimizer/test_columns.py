"""Candidate routes: the MILP gets multi-stop routes that fit the deliveries it chooses.

Every plan made here also passes the independent route audit
(`optimizer.route_audit`, run on every plan by `tests/conftest.py`).
"""

from __future__ import annotations

import pytest

from benchmarks.networks import SIZES, generate_network, snapshot_for
from optimizer.columns import candidates, crews_of, homes, timed
from optimizer.data import PlanningData, planning_data
from optimizer.milp import plan_milp
from optimizer.route_audit import audit_routes
from supplysync.network import Location, Network, Vehicle, Warehouse
from supplysync.offers import NetworkSnapshot
from tests.optimizer.conftest import (
    HOME,
    SETTINGS,
    customer_at,
    far_cluster,
    product,
    snapshot_of,
)


def _stops_of_day(snapshot: NetworkSnapshot, period: int) -> list[list[str]]:
    plan = plan_milp(snapshot, SETTINGS, plan_id="far")
    return [[s.site_id for s in r.stops] for r in plan.routes if r.period == period]


def test_valuable_stops_beyond_one_shift_still_get_multi_stop_candidates() -> None:
    data = planning_data(snapshot_of(far_cluster()), SETTINGS)
    multi = [c for c in candidates(data).columns if len(c.stops) > 1]
    assert {c.period for c in multi} == {0, 1}


def test_one_truck_serves_several_far_customers_in_one_trip() -> None:
    """Out-and-backs alone would serve one customer a day with the one truck."""
    for period in (0, 1):
        (route,) = _stops_of_day(snapshot_of(far_cluster()), period)
        assert len(route) == 3, route


EAST = Location(lat=51.0, lon=8.0)
"""About 90 km east of HOME."""


def two_depots() -> Network:
    """W-A at HOME holds a valuable product X, W-B in the east a cheap one, P.

    Each depot has one truck. A1 and A2, near W-A, want 100 X each; B1 and
    B2, near W-B, want 20 P each. Routing everything W-B could reach as if
    it served it all, the engine fills W-B's truck with one valuable A
    customer, which W-B holds nothing for; what W-B does serve, B1 and B2,
    then has only out-and-backs, one a day for its one truck.
    """
    x, p = product("X", penalty=800.0), product("P", penalty=30.0)

    return Network(
        products=[x, p],
        warehouses=[
            Warehouse(
                id=w, name=w, location=at, region="r", capacity_units=10_000.0, initial_stock=stock
            )
            for w, at, stock in (("W-A", HOME, {"X": 1_000.0}), ("W-B", EAST, {"P": 1_000.0}))
        ],
        customers=[
            customer_at("A1", 51.1, 7.1, {"X": 100.0, "P": 0.0}),
            customer_at("A2", 50.9, 7.1, {"X": 100.0, "P": 0.0}),
            customer_at("B1", 51.1, 8.1, {"X": 0.0, "P": 20.0}),
            customer_at("B2", 50.9, 8.1, {"X": 0.0, "P": 20.0}),
        ],
        vehicles=[
            Vehicle(id="V-A", name="v-a", depot_id="W-A", capacity_units=200.0),
            Vehicle(id="V-B", name="v-b", depot_id="W-B", capacity_units=100.0),
        ],
    )


def test_a_depot_serves_its_own_customers_in_one_trip() -> None:
    """W-B's truck serves B1 and B2 together, not one of them by an out-and-back."""
    plan = plan_milp(snapshot_of(two_depots()), SETTINGS, plan_id="home")
    for period in (0, 1):
        stops = [[s.site_id for s in r.stops] for r in plan.routes if r.period == period]
        assert sorted(map(sorted, stops)) == [["A1", "A2"], ["B1", "B2"]], (period, stops)


def test_each_part_belongs_to_the_nearest_depot_that_can_take_it() -> None:
    """Dry parts go to the nearest depot with a truck; cold parts only where a reefer works."""
    net = two_depots()
    reefer = Vehicle(id="V-R", name="v-r", depot_id="W-B", capacity_units=100.0, refrigerated=True)
    data = planning_data(
        snapshot_of(net.model_copy(update={"vehicles": [*net.vehicles, reefer]})), SETTINGS
    )
    home = homes(data, crews_of(data))
    for t in (0, 1):
        assert {c: home[c, False, t] for c in ("A1", "A2", "B1", "B2")} == {
            "A1": "W-A",
            "A2": "W-A",
            "B1": "W-B",
            "B2": "W-B",
        }
        assert {home[c, True, t] for c in ("A1", "A2", "B1", "B2")} == {"W-B"}


@pytest.fixture(scope="module")
def generated() -> PlanningData:
    """The S benchmark network (3 warehouses, 50 customers, 10 vehicles) over 3 days."""
    spec = SIZES["S"]
    return planning_data(snapshot_for(generate_network(spec), 3), SETTINGS)


def test_every_candidate_keeps_its_windows_and_shift_and_visits_each_stop_once(
    generated: PlanningData,
) -> None:
    cands = candidates(generated)
    assert any(len(c.stops) > 1 for c in cands.columns)
    for j, col in enumerate(cands.columns):
        crew = cands.crews[col.crew]
        assert (crew.depot_id, crew.period) == (col.depot_id, col.period)
        assert len(set(col.stops)) == len(col.stops), col.stops
        assert timed(generated, crew, col.crew, col.stops) == col, j


def test_a_generated_network_gets_multi_stop_routes_that_pass_the_audit() -> None:
    spec = SIZES["S"]
    snap = snapshot_for(generate_network(spec), 3)
    settings = SETTINGS.model_copy(update={"mip_gap": 0.01})  # proving 0 % takes seconds
    plan = plan_milp(snap, settings, plan_id="s")
    assert audit_routes(plan, snap, settings) == []
    routed = [r for r in plan.routes if not r.frozen]
    assert sum(len(r.stops) for r in routed) > 2 * len(routed)
