"""Operator overrides shape the snapshot, and the next plan respects them."""

from __future__ import annotations

from optimizer.chosen_routes import FROZEN_BY_OPERATOR
from optimizer.milp import plan_milp
from replan.overrides import apply_overrides
from supplysync.control import FreezeRoute, MachineOut, PinSupplier
from supplysync.offers import NetworkSnapshot
from supplysync.scenario import Scenario
from tests.optimizer.conftest import SETTINGS, snapshot_of


def _demo(demo_scenario: Scenario) -> NetworkSnapshot:
    return snapshot_of(demo_scenario.network, 3)


def test_no_overrides_leaves_the_snapshot_alone(demo_scenario: Scenario) -> None:
    snap = _demo(demo_scenario)
    assert apply_overrides(snap, []) is snap


def test_a_machine_taken_out_gets_no_production(demo_scenario: Scenario) -> None:
    snap = _demo(demo_scenario)
    base = plan_milp(snap, SETTINGS, plan_id="base")
    busiest = max(
        {r.machine_id for r in base.production},
        key=lambda m: sum(r.quantity for r in base.production if r.machine_id == m),
    )
    plan = plan_milp(apply_overrides(snap, [MachineOut(machine_id=busiest)]), SETTINGS, plan_id="o")
    assert not [r for r in plan.production if r.machine_id == busiest]
    assert sum(r.quantity for r in plan.production) > 0  # the others take over


def test_a_pinned_product_is_bought_only_from_its_supplier(demo_scenario: Scenario) -> None:
    snap = _demo(demo_scenario)
    offered = {(q.product_id, s.supplier_id) for s in snap.suppliers for q in s.quotes}
    product = next(p for p, _ in sorted(offered) if len({s for q, s in offered if q == p}) > 1)
    pinned = sorted(s for q, s in offered if q == product)[-1]
    shaped = apply_overrides(snap, [PinSupplier(product_id=product, supplier_id=pinned)])
    sellers = {s.supplier_id for s in shaped.suppliers for q in s.quotes if q.product_id == product}
    assert sellers == {pinned}
    plan = plan_milp(shaped, SETTINGS, plan_id="pin")
    assert {po.supplier_id for po in plan.purchases if po.product_id == product} <= {pinned}


def test_a_frozen_route_is_driven_as_given(demo_scenario: Scenario) -> None:
    snap = _demo(demo_scenario)
    stops = ["C-DUESSELDORF", "C-NEUSS"]
    shaped = apply_overrides(snap, [FreezeRoute(vehicle_id="V-DUI-2", period=0, stops=stops)])
    plan = plan_milp(shaped, SETTINGS, plan_id="frozen")
    mine = [r for r in plan.routes if r.vehicle_id == "V-DUI-2" and r.period == 0]
    assert [(r.method, [s.site_id for s in r.stops]) for r in mine] == [(FROZEN_BY_OPERATOR, stops)]


def test_a_frozen_route_that_cannot_be_driven_is_noted_not_forced(demo_scenario: Scenario) -> None:
    snap = _demo(demo_scenario)
    far = ["C-TILBURG", "C-BONN", "C-DENBOSCH", "C-DORTMUND", "C-TILBURG"]
    shaped = apply_overrides(snap, [FreezeRoute(vehicle_id="V-DUI-2", period=0, stops=far)])
    plan = plan_milp(shaped, SETTINGS, plan_id="bad")
    assert any("frozen route of V-DUI-2 in period 0 not kept" in n for n in plan.notes)
    assert not [r for r in plan.routes if r.method == FROZEN_BY_OPERATOR]
