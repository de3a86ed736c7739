"""The zoned MILP through the coordinator (policies.aggregated), on the 200-asset
synthetic network with in-process agents: folded, planned, routed, split back,
reviewed and committed as the live loop does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from benchmarks.agents_throughput import START, synthetic_network
from optimizer.geometry import trip
from optimizer.zones import zones_of
from policies.aggregated import AggregatingPlanner, zoned_milp
from policies.builtin import Milp
from policies.policy import SOLVED, Policy
from replan import Dispatch
from runtime.coordinator import Coordinator
from runtime.directory import InlineDirectory
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMode
from supplysync.scenario import PlanningSettings


@pytest.fixture(scope="module")
def network() -> Network:
    return synthetic_network(200)


@pytest.fixture(scope="module")
def dispatch(network: Network) -> Dispatch:
    with InlineDirectory.start(network) as directory:
        coordinator = Coordinator(
            network=network,
            planning=PlanningSettings(horizon_periods=3, time_limit_s=60),
            directory=directory,
            policy=zoned_milp(4),
            origin=START,
            run_end=START + timedelta(days=3),
        )
        return coordinator.replan(START + timedelta(hours=1), ["test"])


def test_every_member_asset_gets_its_command_and_accepts_it(
    network: Network, dispatch: Dispatch
) -> None:
    assert dispatch.plan.status in SOLVED
    assert sorted(c.asset_id for c in dispatch.commands) == sorted(network.asset_kinds())
    assert all(r.accepted for r in dispatch.responses)
    how = dispatch.plan.how
    assert how is not None and how.aggregated_zones == 4 and how.mode is PlanMode.FULL


def test_routes_are_driven_from_their_vehicles_own_depots_with_the_deliveries_they_carry(
    network: Network, dispatch: Dispatch
) -> None:
    plan = dispatch.plan
    depots = {v.id: v.depot_id for v in network.vehicles}
    assert plan.routes
    assert all(r.depot_id == depots[r.vehicle_id] for r in plan.routes)
    depot_at = {w.id: w.location for w in network.warehouses}
    customers = {c.id: c for c in network.customers}
    speed = {v.id: v.speed_kmh for v in network.vehicles}
    leaves = PlanningSettings().departure_hour  # after the replan's hour, in every period
    for r in plan.routes:
        driven = trip(
            depot_at[r.depot_id],
            [customers[s.site_id] for s in r.stops],
            departure_hour=leaves,
            speed_kmh=speed[r.vehicle_id],
        )
        assert r.distance_km == pytest.approx(driven.km, abs=0.01)
        assert [s.arrive_h for s in r.stops] == pytest.approx(list(driven.arrive), abs=0.001)
    carried = {(r.depot_id, s.site_id, r.period) for r in plan.routes for s in r.stops}
    routed = [d for d in plan.deliveries if d.period < 2]
    assert routed
    assert all((d.warehouse_id, d.customer_id, d.period) in carried for d in routed)


def test_the_next_replan_repairs_the_folded_plan_in_force(network: Network) -> None:
    with InlineDirectory.start(network) as directory:
        coordinator = Coordinator(
            network=network,
            planning=PlanningSettings(horizon_periods=3, time_limit_s=60),
            directory=directory,
            policy=zoned_milp(4),
            origin=START,
            run_end=START + timedelta(days=3),
        )
        coordinator.replan(START + timedelta(hours=1), ["first"])
        second = coordinator.replan(START + timedelta(hours=2), ["second"]).plan
    assert second.how is not None and second.how.mode is PlanMode.REPAIR
    assert second.how.repaired is not None and second.how.aggregated_zones == 4
    assert second.diff is not None and second.diff.previous_plan_id == "milp-zoned-0001"


def test_the_covered_planner_is_handed_its_own_folded_plan_in_force(network: Network) -> None:
    settings = PlanningSettings(horizon_periods=3, time_limit_s=60)
    seen: list[Plan | None] = []
    milp = Milp().planner

    def covered(
        snapshot: NetworkSnapshot,
        s: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        seen.append(previous)
        return milp(snapshot, s, plan_id, causes, previous)

    planner = AggregatingPlanner(covered, 4)
    with InlineDirectory.start(network) as directory:
        coordinator = Coordinator(
            network=network,
            planning=settings,
            directory=directory,
            policy=Policy(name="unused", make_planner=lambda: planner),
            origin=START,
            run_end=START + timedelta(days=3),
        )
        snapshot = coordinator.snapshot(START + timedelta(hours=1))
    first = planner(snapshot, settings, "p1", [], None)
    planner(snapshot, settings, "p2", [], first)
    zones = {z.zone_id for z in zones_of(network, 4)}
    assert seen[0] is None
    in_force = seen[1]
    assert in_force is not None and in_force.plan_id == "p1"
    assert in_force.deliveries
    assert {d.warehouse_id for d in in_force.deliveries} <= zones
    assert not {d.warehouse_id for d in first.deliveries} & zones


def test_a_trip_under_way_stays_in_the_plan_as_a_frozen_route(network: Network) -> None:
    settings = PlanningSettings(horizon_periods=3, time_limit_s=60)
    with InlineDirectory.start(network) as directory:
        coordinator = Coordinator(
            network=network,
            planning=settings,
            directory=directory,
            policy=zoned_milp(4),
            origin=START,
            run_end=START + timedelta(days=3),
        )
        snapshot = coordinator.snapshot(START + timedelta(hours=1))
    out = snapshot.vehicles[0]
    customer = network.customers[0]
    away = out.model_copy(
        update={
            "available": False,
            "committed_stops": [customer.id],
            "location": customer.location,
        }
    )
    snapshot = snapshot.model_copy(update={"vehicles": [away, *snapshot.vehicles[1:]]})
    plan = AggregatingPlanner(Milp().planner, 4)(snapshot, settings, "p1", [], None)
    (frozen,) = [r for r in plan.routes if r.frozen]
    assert frozen.vehicle_id == out.vehicle_id
    assert frozen.depot_id == out.depot_id
    assert [s.site_id for s in frozen.stops] == [customer.id]
