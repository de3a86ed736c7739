"""Plan diff on absolute dates, for windows that start on different days."""

from __future__ import annotations

from datetime import timedelta

from optimizer.diff import diff_plans
from supplysync.offers import ProductionRun
from supplysync.plan import Delivery, Plan, PlanStatus, PurchaseOrder
from supplysync.planning import PlanningWindow
from tests.optimizer.conftest import START


def _plan(pid: str, day: int, runs: list[tuple[int, float]], **parts: object) -> Plan:
    """A 3-day plan starting `day` days after START with runs of M (period, quantity)."""
    return Plan(
        plan_id=pid,
        policy="milp",
        created_at=START + timedelta(days=day),
        window=PlanningWindow(start=START + timedelta(days=day), periods=3),
        status=PlanStatus.OPTIMAL,
        production=[
            ProductionRun(machine_id="M", product_id="P", period=t, quantity=q, hours=q / 10)
            for t, q in runs
        ],
        **parts,
    )


def test_a_first_plan_changes_everything_it_decides() -> None:
    diff = diff_plans(None, _plan("p1", 0, [(0, 50.0), (1, 30.0)]))
    assert diff.previous_plan_id is None
    assert diff.production_moved == 80.0
    assert diff.assets_changed == ["M"]


def test_the_same_plan_changes_nothing() -> None:
    plan = _plan("p1", 0, [(0, 50.0)])
    diff = diff_plans(plan, plan.model_copy(update={"plan_id": "p2"}))
    assert diff.previous_plan_id == "p1"
    assert (diff.production_moved, diff.assets_changed) == (0.0, [])


def test_a_window_one_day_later_compares_on_dates() -> None:
    # Day 0 is history for the new plan; day 1's run is the new plan's period 0.
    old = _plan("p1", 0, [(0, 99.0), (1, 40.0), (2, 20.0)])
    new = _plan("p2", 1, [(0, 40.0), (1, 20.0), (2, 70.0)])
    diff = diff_plans(old, new)
    assert diff.production_moved == 0.0
    assert diff.assets_changed == []


def test_moved_quantities_and_changed_assets_are_reported() -> None:
    po = PurchaseOrder(
        po_id="x",
        supplier_id="S",
        product_id="P",
        destination_id="W",
        quantity=10,
        order_period=0,
        arrival_period=1,
        unit_price=1,
    )
    drop = Delivery(customer_id="C", product_id="P", warehouse_id="W", period=1, quantity=5)
    old = _plan("p1", 0, [(1, 40.0)], purchases=[po.model_copy(update={"order_period": 1})])
    new = _plan("p2", 1, [(0, 25.0)], deliveries=[drop])
    diff = diff_plans(old, new)
    assert diff.production_moved == 15.0
    assert diff.purchases_changed == 10.0
    assert diff.deliveries_changed == 5.0
    assert diff.assets_changed == ["M", "S"]
