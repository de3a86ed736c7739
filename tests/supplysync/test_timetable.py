"""A plan's production as clock times: order, setups, shifts and maintenance, to the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from supplysync.network import Machine
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import PlanningWindow
from supplysync.timetable import timetable

START = datetime(2026, 3, 2, tzinfo=UTC)
RATES = {"GEAR": 10.0, "COG": 5.0}


def at(day: int, clock: str) -> datetime:
    """`clock` ("HH:MM") on day `day` of the plan's window."""
    hours, minutes = map(int, clock.split(":"))
    return START + timedelta(days=day, hours=hours, minutes=minutes)


def machine(**overrides: Any) -> Machine:
    spec: dict[str, Any] = {
        "id": "M",
        "name": "machine",
        "plant_id": "PL",
        "rates": RATES,
        "setup_hours": 1.5,
        "hours_per_day": 16.0,
        "maintenance_hours": 8.0,
        **overrides,
    }
    return Machine(**spec)


def run(product: str, quantity: float, period: int, *, setup: float = 1.5) -> ProductionRun:
    """A run as the planner prices it: making plus `setup` hours."""
    return ProductionRun(
        machine_id="M",
        product_id=product,
        period=period,
        quantity=quantity,
        hours=quantity / RATES[product] + setup,
    )


def plan(*runs: ProductionRun, maintenance: tuple[int, ...] = (), made: datetime = START) -> Plan:
    return Plan(
        plan_id="p",
        policy="milp",
        created_at=made,
        window=PlanningWindow(start=START, period_hours=24, periods=3),
        status=PlanStatus.OPTIMAL,
        production=list(runs),
        maintenance=[MaintenanceWindow(machine_id="M", period=p, hours=8) for p in maintenance],
    )


def spans(p: Plan, spec: Machine | None = None) -> list[tuple[str, str, datetime, datetime]]:
    """(product, setup or make, start, end) of every stretch, in the order the machine works."""
    table = timetable(p, [spec or machine()])
    return [(r.product_id, s.kind, s.start, s.end) for r in table.runs for s in r.spans]


def test_maintenance_holds_the_shift_and_each_product_change_costs_a_setup() -> None:
    table = timetable(plan(run("COG", 20, 1), run("GEAR", 30, 1), maintenance=(1,)), [machine()])

    assert [(w.machine_id, w.period, w.start, w.end) for w in table.maintenance] == [
        ("M", 1, at(1, "00:00"), at(1, "08:00"))
    ]
    assert [(r.product_id, r.quantity, r.start, r.end, r.setup_hours) for r in table.runs] == [
        ("COG", 20, at(1, "08:00"), at(1, "13:30"), 1.5),
        ("GEAR", 30, at(1, "13:30"), at(1, "18:00"), 1.5),
    ]
    assert [(s.kind, s.start, s.end) for r in table.runs for s in r.spans] == [
        ("setup", at(1, "08:00"), at(1, "09:30")),
        ("make", at(1, "09:30"), at(1, "13:30")),
        ("setup", at(1, "13:30"), at(1, "15:00")),
        ("make", at(1, "15:00"), at(1, "18:00")),
    ]
    assert table.unscheduled == []


def test_runs_go_period_by_period_and_the_same_product_next_needs_no_setup() -> None:
    """The MILP lists runs product by product; the machine works them day by day."""
    p = plan(run("COG", 10, 1), run("GEAR", 20, 0), run("COG", 10, 0))

    assert spans(p) == [
        ("GEAR", "setup", at(0, "06:00"), at(0, "07:30")),
        ("GEAR", "make", at(0, "07:30"), at(0, "09:30")),
        ("COG", "setup", at(0, "09:30"), at(0, "11:00")),
        ("COG", "make", at(0, "11:00"), at(0, "13:00")),
        ("COG", "make", at(1, "06:00"), at(1, "08:00")),
    ]
    assert [r.setup_hours for r in timetable(p, [machine()]).runs] == [1.5, 1.5, 0.0]


def test_a_first_day_run_priced_without_setup_continues_the_product_on_the_machine() -> None:
    """The planner saw the machine set up for GEAR; COG, first in its list, changes it over."""
    p = plan(run("COG", 10, 0), run("GEAR", 20, 0, setup=0), made=at(0, "10:15"))

    assert spans(p) == [
        ("COG", "setup", at(0, "10:15"), at(0, "11:45")),
        ("COG", "make", at(0, "11:45"), at(0, "13:45")),
        ("GEAR", "setup", at(0, "13:45"), at(0, "15:15")),
        ("GEAR", "make", at(0, "15:15"), at(0, "17:15")),
    ]
    alone = plan(run("GEAR", 20, 0, setup=0), made=at(0, "10:15"))
    assert spans(alone) == [("GEAR", "make", at(0, "10:15"), at(0, "12:15"))]


def test_a_run_past_the_shift_end_goes_on_after_the_next_mornings_maintenance() -> None:
    p = plan(run("GEAR", 150, 0), maintenance=(1,))

    assert spans(p) == [
        ("GEAR", "setup", at(0, "06:00"), at(0, "07:30")),
        ("GEAR", "make", at(0, "07:30"), at(0, "22:00")),
        ("GEAR", "make", at(1, "08:00"), at(1, "08:30")),
    ]


def test_maintenance_stops_a_machine_working_round_the_clock_mid_run() -> None:
    """With a 24 h shift the run crosses 06:00 in one stretch; maintenance cuts it."""
    spec = machine(hours_per_day=24.0)

    assert spans(plan(run("GEAR", 300, 0)), spec) == [
        ("GEAR", "setup", at(0, "00:00"), at(0, "01:30")),
        ("GEAR", "make", at(0, "01:30"), at(1, "07:30")),
    ]
    assert spans(plan(run("GEAR", 300, 0), maintenance=(1,)), spec) == [
        ("GEAR", "setup", at(0, "00:00"), at(0, "01:30")),
        ("GEAR", "make", at(0, "01:30"), at(1, "00:00")),
        ("GEAR", "make", at(1, "08:00"), at(1, "15:30")),
    ]


def test_what_no_machine_can_do_is_named_and_empty_runs_are_left_out() -> None:
    stray = ProductionRun(machine_id="X", product_id="GEAR", period=0, quantity=5, hours=1)
    foreign = ProductionRun(machine_id="M", product_id="BOLT", period=1, quantity=7, hours=1)
    p = plan(run("GEAR", 0, 0), stray, foreign, run("COG", 5, 0))

    table = timetable(p, [machine()])

    assert [(r.product_id, r.start, r.end) for r in table.runs] == [
        ("COG", at(0, "06:00"), at(0, "08:30"))
    ]
    assert table.unscheduled == [
        "M cannot make BOLT: 7 units in period 1 not scheduled",
        "X is not in the network: its runs (1) and maintenance (0) are not scheduled",
    ]
