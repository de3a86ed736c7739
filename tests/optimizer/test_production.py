"""Production builder: capacity, setups, and due maintenance (through `plan_milp`)."""

from __future__ import annotations

import pytest

from optimizer.data import planning_data
from optimizer.milp import plan_milp
from optimizer.production import run_index
from supplysync.network import Machine
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanStatus
from supplysync.timetable import timetable
from tests.optimizer.conftest import (
    SETTINGS,
    line,
    line_network,
    machine_offer,
    product,
    snapshot_of,
)


def _one_machine(
    hours: list[float], demand: list[float], *, setup: float = 0.0, **offer: object
) -> tuple[NetworkSnapshot, Plan]:
    """Machine M (10 units/h) with the given hours per period; customer C's demand per period.

    Goods leave the warehouse in the morning, before the day's output lands,
    so each period's demand is due the period after (one more, idle period).
    """
    m = Machine(id="M", name="m", plant_id="PL", rates={"P": 10.0}, setup_hours=setup)
    net = line_network(machines=[m])
    n = len(hours) + 1
    snap = snapshot_of(
        net,
        n,
        machines=[machine_offer(m, n, capacity_hours=[*hours, 0.0], **offer)],
        demand=[line(q, t + 1) for t, q in enumerate(demand) if q > 0],
    )
    return snap, plan_milp(snap, SETTINGS, plan_id="t")


def test_demand_the_machine_can_exactly_meet_is_met_without_shortage() -> None:
    _, plan = _one_machine([8.0], [80.0])
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.shortages == []
    [run] = plan.production
    assert (run.machine_id, run.period, run.quantity, run.hours) == ("M", 0, 80.0, 8.0)
    assert sum(d.quantity for d in plan.deliveries) == pytest.approx(80.0)


def test_setup_hours_come_out_of_the_period() -> None:
    _, plan = _one_machine([8.0], [70.0], setup=1.0)
    assert plan.shortages == []
    [run] = plan.production
    assert run.quantity == pytest.approx(70.0)
    assert run.hours == pytest.approx(8.0)


def test_no_setup_to_continue_the_current_product() -> None:
    _, plan = _one_machine([8.0], [80.0], setup=1.0, current_product="P")
    assert plan.shortages == []
    assert plan.production[0].hours == pytest.approx(8.0)


def test_demand_above_all_capacity_is_a_priced_shortage_naming_the_machine() -> None:
    _, plan = _one_machine([8.0], [200.0])
    assert plan.status is PlanStatus.OPTIMAL
    [short] = plan.shortages
    assert short.quantity == pytest.approx(120.0)
    assert short.penalty == pytest.approx(120.0 * 100.0)
    assert "M" in short.binding
    assert "production capacity" in short.reason


def test_a_period_too_short_for_the_setup_has_no_run_variable() -> None:
    snap, _ = _one_machine([0.5, 8.0], [0.0, 10.0], setup=1.0)
    assert run_index(planning_data(snap, SETTINGS)) == [("M", "P", 1)]


def _two_machines(due: int | None, hours: list[float]) -> Plan:
    """M1 (fast, 20/h) and M2 (10/h) on one plant; M1 may have maintenance due.

    Each period's 100 units are due the period after (see `_one_machine`).
    """
    fast = Machine(id="M1", name="fast", plant_id="PL", rates={"P": 20.0}, setup_hours=0.0)
    slow = Machine(id="M2", name="slow", plant_id="PL", rates={"P": 10.0}, setup_hours=0.0)
    n = len(hours) + 1
    offers = [
        machine_offer(fast, n, capacity_hours=[*hours, 0.0], maintenance_due_period=due),
        machine_offer(slow, n, capacity_hours=[*hours, 0.0]),
    ]
    offers = [o.model_copy(update={"maintenance_hours": 6.0}) for o in offers]
    snap = snapshot_of(
        line_network(machines=[fast, slow]),
        n,
        machines=offers,
        demand=[line(100.0, t) for t in range(1, n)],
    )
    return plan_milp(snap, SETTINGS, plan_id="t")


def test_without_a_predicted_failure_the_fast_machine_makes_everything() -> None:
    plan = _two_machines(None, [8.0, 8.0, 8.0])
    assert plan.maintenance == []
    assert {r.machine_id for r in plan.production} == {"M1"}


@pytest.mark.parametrize("due", [0, 1, 2])
def test_a_predicted_failure_schedules_exactly_one_maintenance_by_the_due_period(due: int) -> None:
    plan = _two_machines(due, [8.0, 8.0, 8.0])
    [window] = plan.maintenance
    assert (window.machine_id, window.hours) == ("M1", 6.0)
    assert window.period <= due
    hours = sum(
        r.hours for r in plan.production if r.machine_id == "M1" and r.period == window.period
    )
    assert hours <= 2.0 + 1e-6
    assert plan.shortages == []


def test_maintenance_moves_production_to_the_other_machine() -> None:
    # Due today: M1 keeps 2 h (40 units) of its 8 h, so M2 makes the other 60.
    plan = _two_machines(0, [8.0, 8.0, 8.0])
    assert [w.period for w in plan.maintenance] == [0]
    made = {
        m: sum(r.quantity for r in plan.production if r.machine_id == m and r.period == 0)
        for m in ("M1", "M2")
    }
    assert made["M1"] == pytest.approx(40.0)
    assert made["M2"] == pytest.approx(60.0)
    assert plan.shortages == []


def test_when_no_period_fits_maintenance_the_plan_works_around_the_repair() -> None:
    # Period 0 has 4 h left, less than the 6 h of maintenance due in it: the
    # machine fails after period 0 and is down for 48 h (periods 1 and 2).
    plan = _two_machines(0, [4.0, 8.0, 8.0])
    assert plan.maintenance == []
    assert not [r for r in plan.production if r.machine_id == "M1" and r.period > 0]
    assert any("M1" in note and "fail" in note for note in plan.notes)


def test_a_shortage_before_any_output_could_ship_does_not_blame_the_machine() -> None:
    """Day 0 ships only from the stock it starts with: the machine, full that day, is not why."""
    m = Machine(id="M", name="m", plant_id="PL", rates={"P": 10.0})
    net = line_network(machines=[m])
    snap = snapshot_of(
        net,
        2,
        machines=[machine_offer(m, 2, capacity_hours=[8.0, 0.0])],
        demand=[line(50.0, 0), line(80.0, 1)],
    )
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    assert plan.production[0].hours == pytest.approx(8.0)  # full on day 0, for day 1
    first, second = sorted(plan.shortages, key=lambda s: s.period)
    assert first.period == 0 and first.quantity == pytest.approx(50.0)
    assert "M" not in first.binding
    assert first.reason == "no stock within reach in time (lead times)"
    # Day 1 is short of what the full machine could not make: that one is M's.
    assert second.period == 1 and second.binding == ["M"]
    assert second.reason == "production capacity"


def test_a_plan_makes_no_setup_it_did_not_price() -> None:
    """Set up for B, the machine must make B before A: the other way round it sets up twice.

    9 hours hold a setup, 40 of A and 40 of B only if B continues the
    current setup; the MILP lists runs product by product (A first).
    """
    m = Machine(id="M", name="m", plant_id="PL", rates={"A": 10.0, "B": 10.0}, setup_hours=1.0)
    net = line_network(machines=[m], products=[product("A"), product("B")])
    snap = snapshot_of(
        net,
        2,
        machines=[machine_offer(m, 2, capacity_hours=[9.0, 0.0], current_product="B")],
        demand=[line(40.0, 1, pid="A"), line(40.0, 1, pid="B")],
    )
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    assert plan.shortages == []
    priced = sum(r.hours - r.quantity / m.rates[r.product_id] for r in plan.production)
    worked = timetable(plan, [m])
    assert [r.product_id for r in worked.runs] == ["B", "A"]
    assert sum(r.setup_hours for r in worked.runs) == pytest.approx(priced) == pytest.approx(1.0)
