"""Routes are the MILP's decision, coupled to what it moves, and they keep the fleet's rules.

Every plan made here also passes the independent route audit
(`optimizer.route_audit`, run on every plan by `tests/conftest.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping

import pytest

from optimizer.chosen_routes import COMMITTED
from optimizer.chosen_routes import METHOD as CHOSEN
from optimizer.dispatch import commands_for
from optimizer.milp import plan_milp
from optimizer.route_audit import audit_routes
from supplysync.network import Location
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, Route, Stop
from supplysync.scenario import Scenario
from tests.optimizer.conftest import SETTINGS, snapshot_of


def _with_vehicles(snap: NetworkSnapshot, **changes: Mapping[str, object]) -> NetworkSnapshot:
    vehicles = [
        v.model_copy(update=changes[v.vehicle_id]) if v.vehicle_id in changes else v
        for v in snap.vehicles
    ]
    return snap.model_copy(update={"vehicles": vehicles})


def _served(plan: Plan, period: int) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for d in plan.deliveries:
        if d.period == period:
            out[d.warehouse_id] += d.quantity
    return out


def test_routed_days_carry_exactly_what_the_plan_delivers(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_milp(demo_snapshot, SETTINGS, plan_id="r1")
    routed = [r for r in plan.routes if r.period < SETTINGS.routed_periods]
    assert routed and {r.method for r in routed} == {CHOSEN}
    dropped = sum(q for r in routed for s in r.stops for q in s.drop.values())
    delivered = sum(d.quantity for d in plan.deliveries if d.period < SETTINGS.routed_periods)
    assert dropped == pytest.approx(delivered, abs=1e-2)
    assert delivered > 0


def test_a_depot_without_trucks_is_covered_by_the_others_routes(
    demo_snapshot: NetworkSnapshot,
) -> None:
    """Coupling: a depot whose trucks are all down ships nothing; others' routes take over."""
    base = plan_milp(demo_snapshot, SETTINGS, plan_id="base")
    down = {
        v.vehicle_id: {"available": False} for v in demo_snapshot.vehicles if "DUI" in v.vehicle_id
    }
    snap = _with_vehicles(demo_snapshot, **down)
    plan = plan_milp(snap, SETTINGS, plan_id="down")
    assert _served(base, 0).get("W-DUI", 0.0) > 0
    assert _served(plan, 0).get("W-DUI", 0.0) == 0
    assert not [r for r in plan.routes if r.period == 0 and r.depot_id == "W-DUI"]
    short_base = sum(s.quantity for s in base.shortages if s.period == 0)
    short_down = sum(s.quantity for s in plan.shortages if s.period == 0)
    day0 = sum(d.quantity for d in demo_snapshot.demand if d.period == 0)
    assert short_down - short_base < 0.05 * day0  # the other depots' routes carry nearly all


def test_cold_goods_reach_no_stop_later_than_their_hours_out_of_storage(
    demo_snapshot: NetworkSnapshot,
) -> None:
    net = demo_snapshot.network
    tight = net.model_copy(
        update={
            "products": [
                p.model_copy(update={"max_hours_out_of_storage": 1.0}) if p.cold_chain else p
                for p in net.products
            ]
        }
    )
    snap = demo_snapshot.model_copy(update={"network": tight})
    loose = plan_milp(demo_snapshot, SETTINGS, plan_id="loose")
    plan = plan_milp(snap, SETTINGS, plan_id="tight")
    cold = {p.id for p in net.products if p.cold_chain}
    for r in plan.routes:
        if r.period < SETTINGS.routed_periods:
            leave = max(SETTINGS.departure_hour, 0.0)
            for s in r.stops:
                if cold & set(s.drop):
                    assert s.arrive_h - leave <= 1.0 + 1e-3, (r.vehicle_id, s.site_id)
    assert sum(s.quantity for s in plan.shortages if s.product_id in cold) > sum(
        s.quantity for s in loose.shortages if s.product_id in cold
    )
    assert all(
        s.reason for s in plan.shortages if s.product_id in cold
    )  # every cold shortage says why


def test_a_vehicle_out_on_committed_stops_keeps_them_frozen_and_is_not_redispatched(
    demo_snapshot: NetworkSnapshot,
) -> None:
    on_the_road = {
        "V-DUI-2": {
            "available": False,
            "location": Location(lat=51.3, lon=6.9),
            "load": {"BOLT": 60.0, "VALVE": 20.0},
            "committed_stops": ["C-ESSEN", "C-BOCHUM"],
        }
    }
    snap = _with_vehicles(demo_snapshot, **on_the_road)
    plan = plan_milp(snap, SETTINGS, plan_id="frozen")
    mine = [r for r in plan.routes if r.vehicle_id == "V-DUI-2" and r.period == 0]
    assert [(r.method, r.frozen, [s.site_id for s in r.stops]) for r in mine] == [
        (COMMITTED, True, ["C-ESSEN", "C-BOCHUM"])
    ]
    assert mine[0].load == {"BOLT": 60.0, "VALVE": 20.0}
    commands = commands_for(plan, snap.network, snap.taken_at)
    sent = [r for c in commands if c.asset_id == "V-DUI-2" for r in getattr(c.body, "routes", [])]
    assert all(not r.frozen for r in sent)
    assert [r.period for r in sent] == sorted(r.period for r in sent if r.period > 0)


def test_a_vehicle_away_from_its_depot_leaves_when_it_is_back(
    demo_snapshot: NetworkSnapshot,
) -> None:
    away = {"V-CGN-2": {"location": Location(lat=51.0, lon=7.9)}}  # about 65 km east
    snap = _with_vehicles(demo_snapshot, **away)
    plan = plan_milp(snap, SETTINGS, plan_id="away")
    first = [r for r in plan.routes if r.vehicle_id == "V-CGN-2" and r.period == 0]
    for r in first:
        assert r.stops[0].arrive_h > SETTINGS.departure_hour + 1.0


AUDIT_CASES = [
    # (what is broken, how, the words the audit must use)
    ("overload", lambda r: r.model_copy(update={"load": {"BOLT": 10_000.0}}), "over room"),
    (
        "drops do not add up",
        lambda r: r.model_copy(
            update={"stops": [s.model_copy(update={"drop": {}}) for s in r.stops]}
        ),
        "drops",
    ),
    (
        "late stop",
        lambda r: r.model_copy(
            update={"stops": [*r.stops, Stop(site_id="C-TILBURG", arrive_h=23.5, depart_h=23.7)]}
        ),
        "window closes",
    ),
    ("wrong depot", lambda r: r.model_copy(update={"depot_id": "W-EHV"}), "based at"),
]


@pytest.fixture(scope="module")
def audited(demo_scenario: Scenario) -> tuple[NetworkSnapshot, Plan]:
    """One demo plan the audit cases break in their own ways (copies; the plan is shared)."""
    snap = snapshot_of(demo_scenario.network, 3)
    return snap, plan_milp(snap, SETTINGS, plan_id="audit")


@pytest.mark.parametrize(("name", "breaks", "words"), AUDIT_CASES, ids=[c[0] for c in AUDIT_CASES])
def test_the_audit_names_each_broken_rule(
    audited: tuple[NetworkSnapshot, Plan], name: str, breaks: Callable[[Route], Route], words: str
) -> None:
    demo_snapshot, plan = audited
    assert audit_routes(plan, demo_snapshot, SETTINGS) == []
    victim = next(r for r in plan.routes if r.period == 0 and not r.frozen)
    broken: Route = breaks(victim)
    bad = plan.model_copy(update={"routes": [broken if r is victim else r for r in plan.routes]})
    problems = audit_routes(bad, demo_snapshot, SETTINGS)
    assert any(words in p for p in problems), (name, problems)


def test_the_audit_refuses_cold_goods_on_a_dry_truck(audited: tuple[NetworkSnapshot, Plan]) -> None:
    demo_snapshot, plan = audited
    cold_route = next(r for r in plan.routes if "REAGENT" in r.load and r.period == 0)
    dry = next(v.id for v in demo_snapshot.network.vehicles if not v.refrigerated)
    swapped = cold_route.model_copy(update={"vehicle_id": dry})
    bad = plan.model_copy(
        update={"routes": [swapped if r is cold_route else r for r in plan.routes]}
    )
    assert any(
        "without working refrigeration" in p for p in audit_routes(bad, demo_snapshot, SETTINGS)
    )
