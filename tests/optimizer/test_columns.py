"""Candidate routes: the MILP gets multi-stop routes that fit the deliveries it chooses.

Every plan made here also passes the independent route audit
(`optimizer.route_audit`, run on every plan by `tests/conftest.py`).
"""

from __future__ import annotations

from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.milp import plan_milp
from supplysync.offers import NetworkSnapshot
from tests.optimizer.conftest import SETTINGS, far_cluster, snapshot_of


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
