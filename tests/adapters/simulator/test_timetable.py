"""The simulated machine makes its units exactly when a plan's timetable says it will.

`supplysync.timetable` restates the machine's rules for the page's Gantt;
here the simulator works two plans, the second made at midnight between
runs, and its output at every step is what the timetables' stretches of
making add up to; and so does a live fleet's world started mid-day, whose
shift is the timetable's 06:00 UTC, not six hours after the fleet started.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from adapters.devices import BrokerAddress, Fleet, FleetSettings
from adapters.simulator import Simulator
from supplysync.commands import ProduceOrder
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import PlanningWindow, calendar_period
from supplysync.timetable import Timetable, timetable
from tests.adapters.simulator.builders import at, command, scenario

RATES = {"GEAR": 10.0, "COG": 5.0}
SETUP_H = 1.0


def run(product: str, quantity: float, *, setup: float = SETUP_H) -> ProductionRun:
    return ProductionRun(
        machine_id="M",
        product_id=product,
        period=0,
        quantity=quantity,
        hours=quantity / RATES[product] + setup,
    )


def plan(
    start: datetime,
    runs: list[ProductionRun],
    maintenance: list[int],
    *,
    made: datetime | None = None,
) -> Plan:
    """A plan of daily periods from `start`, made at `made` (at `start` if None)."""
    return Plan(
        plan_id=f"plan-{start:%d}",
        policy="milp",
        created_at=made or start,
        window=PlanningWindow(start=start, period_hours=24, periods=3),
        status=PlanStatus.OPTIMAL,
        production=runs,
        maintenance=[MaintenanceWindow(machine_id="M", period=p, hours=8) for p in maintenance],
    )


def made_by(tables: list[Timetable], product: str, t: datetime) -> float:
    """Units of `product` the timetables' stretches of making yield up to `t`."""
    hours = sum(
        max(0.0, (min(s.end, t) - s.start).total_seconds() / 3600.0)
        for table in tables
        for r in table.runs
        if r.product_id == product
        for s in r.spans
        if s.kind == "make"
    )
    return RATES[product] * hours


def test_the_simulator_makes_what_the_timetable_says_when_it_says(
    plant_network: Callable[..., Network],
) -> None:
    network = plant_network(hours_per_day=18.0, maintenance_hours=8.0, wear_per_hour=0.0)
    sim = Simulator(scenario(network, days=3))
    first = plan(at(0), [run("GEAR", 50)], [])
    # Made at midnight, with the machine set up for GEAR: the planner prices
    # no setup for it, but COG comes first, so GEAR is set up again after it.
    second = plan(at(24), [run("COG", 40), run("GEAR", 80, setup=0)], [0])
    tables = [timetable(first, network.machines), timetable(second, network.machines)]
    assert [(r.product_id, r.start, r.end) for r in tables[1].runs] == [
        ("COG", at(32), at(41)),
        ("GEAR", at(41), at(56)),
    ]

    sim.execute([command("M", ProduceOrder(runs=first.production))])
    checked = 0
    for quarter in range(1, 3 * 24 * 4 + 1):
        t = at(quarter / 4)
        sim.advance(t)
        stock = sim.ground_truth()["stock"]["W"]
        for product in RATES:
            assert stock.get(product, 0.0) == pytest.approx(
                made_by(tables, product, t), abs=1e-6
            ), (product, t)
            checked += 1
        if t == second.created_at:
            body = ProduceOrder(runs=second.production, maintenance=second.maintenance)
            sim.execute([command("M", body, start=t)])
    assert checked == 2 * 288
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 130.0, "COG": 40.0})


def test_a_fleet_started_mid_day_makes_what_the_timetable_says_when_it_says(
    plant_network: Callable[..., Network],
) -> None:
    network = plant_network(hours_per_day=18.0, wear_per_hour=0.0)
    started = at(24 + 14.62)  # 14:37:12 of day 1
    fleet = Fleet(
        scenario=scenario(network, days=3),
        broker=BrokerAddress("127.0.0.1", 1883),
        credentials=None,
        settings=FleetSettings(speed=1.0),
        start=started,
    )
    sim = fleet.simulator
    window_start = calendar_period(started, 24.0)
    assert window_start == at(24)
    made = plan(window_start, [run("GEAR", 200)], [], made=fleet.now())
    table = timetable(made, network.machines)

    sim.execute([command("M", ProduceOrder(runs=made.production), start=window_start)])
    quarter = at(38.5)  # the step under way when the fleet started
    while quarter < at(72):
        quarter += timedelta(minutes=15)
        sim.advance(quarter)
        made_now = sim.ground_truth()["stock"]["W"].get("GEAR", 0.0)
        assert made_now == pytest.approx(made_by([table], "GEAR", quarter), abs=1e-6), quarter
    assert made_now == pytest.approx(200.0)
    # set up 14:37:12-15:37:12, make until 24:00 (83.8 units), the rest from 06:00 UTC
    assert [(r.start, r.end) for r in table.runs] == [(started, at(48 + 6 + 11.62))]
