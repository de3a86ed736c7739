"""Machines: production output, shifts, wear to failure, repair and maintenance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters.simulator import Simulator
from supplysync.commands import ProduceOrder
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.readings import OutputReading, RfidScan, RuntimeReading, VibrationReading
from supplysync.scenario import MachineDegradation, Scenario
from tests.adapters.simulator.builders import at, command, scenario

STEP_H = 0.25


def run(product: str, quantity: float, period: int = 0) -> ProductionRun:
    return ProductionRun(
        machine_id="M", product_id=product, period=period, quantity=quantity, hours=0
    )


def produce(*runs: ProductionRun, maintenance: tuple[int, ...] = ()) -> ProduceOrder:
    return ProduceOrder(
        runs=list(runs),
        maintenance=[MaintenanceWindow(machine_id="M", period=p, hours=4) for p in maintenance],
    )


def test_output_is_rate_times_hours_after_setup(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 50)))])

    sim.advance(at(7))  # shift opens at 06:00, one hour of setup
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(0)
    sim.advance(at(9))
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(20)
    frame = sim.advance(at(24))
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(50)

    outputs = [r for r in frame.readings if isinstance(r, OutputReading)]
    assert sum(r.units for r in outputs) == pytest.approx(30)
    assert max(r.ts for r in outputs) == at(12)  # 50 units at 10/h from 07:00
    scans = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert {r.direction for r in scans} == {"in"}
    assert all(r.lot_id.startswith("out:M:") and r.site_id == "W" for r in scans)
    assert sum(r.units for r in scans) == pytest.approx(30)


def test_product_change_costs_a_second_setup(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 20), run("COG", 10)))])
    sim.advance(at(10))  # setup 6-7, GEAR 7-9, setup 9-10
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 20, "COG": 0})
    sim.advance(at(12))  # COG at 5/h, 10-12
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 20, "COG": 10})


def test_work_stops_at_shift_end_and_resumes_next_day(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(scenario(plant_network(hours_per_day=8)))
    sim.execute([command("M", produce(run("GEAR", 150)))])
    sim.advance(at(24))  # 06:00-14:00 with 1 h setup
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(70)
    frame = sim.advance(at(48))  # same product, no setup: 8 more hours
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(150)
    running = [r for r in frame.readings if isinstance(r, RuntimeReading) and r.running]
    assert min(r.ts for r in running) == at(24 + 6.25)


def test_a_started_run_finishes_before_the_new_command(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 50)))])
    sim.advance(at(8))
    sim.execute([command("M", produce(run("COG", 10)), start=at(8))])
    sim.advance(at(24))
    # GEAR 07:00-12:00 in full, then setup and COG 13:00-15:00.
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 50, "COG": 10})


def test_a_new_command_replaces_runs_not_yet_started(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 50, period=1)))])
    sim.execute([command("M", produce(run("COG", 10, period=1)))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 0, "COG": 10})


def test_a_command_for_a_later_window_keeps_the_work_before_it(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 20), run("COG", 10, period=1)))])
    sim.execute([command("M", produce(run("COG", 5)), start=at(24))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 20, "COG": 5})


def test_a_replans_run_of_the_product_in_progress_continues_it_instead_of_repeating_it(
    plant_network: Callable[..., Network],
) -> None:
    """A mid-day replan's run of the product on the machine is what is left of it to make.

    The planner offers the machine's hours from now on and plans no setup
    for the product in progress, so its run is the continuation. Finishing
    the started run and then making the new one too made BOLT all day on
    a suite machine where the plan had 6 h of it, and its hoses a day late.
    """
    sim = Simulator(scenario(plant_network()))
    sim.execute([command("M", produce(run("GEAR", 100)))])
    sim.advance(at(10))  # setup 06-07, GEAR 07-10: 30 made
    sim.execute([command("M", produce(run("GEAR", 40), run("COG", 10)))])
    sim.advance(at(24))  # GEAR 10-14, setup 14-15, COG 15-17
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 70, "COG": 10})


def test_a_plan_whose_window_has_begun_supersedes_work_of_earlier_plans(
    plant_network: Callable[..., Network],
) -> None:
    """Yesterday's run not started by the time of today's plan is not made as well."""
    sim = Simulator(scenario(plant_network(hours_per_day=8)))
    sim.execute([command("M", produce(run("GEAR", 70), run("COG", 30)))])
    sim.advance(at(24))  # setup 06-07, GEAR 07-14: COG never started
    sim.execute([command("M", produce(run("GEAR", 10)), start=at(24))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"]["W"] == pytest.approx({"GEAR": 80, "COG": 0})


def _degraded(plant_network: Callable[..., Network]) -> Scenario:
    # Wear 0.01/h, four times faster from day 1. Producing 07:00-24:00 on
    # day 0 leaves health 0.83; day 1 (06:00-24:00) takes 0.72 more; the last
    # 0.11 goes in 2.75 h on day 2: failure at 08:45 on day 2.
    return scenario(
        plant_network(),
        [MachineDegradation(machine_id="M", start_day=1, wear_multiplier=4)],
        days=3,
    )


def test_degraded_machine_fails_when_the_wear_model_predicts(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(_degraded(plant_network))
    sim.execute([command("M", produce(run("GEAR", 10_000)))])
    frame = sim.advance(at(72))

    predicted = at(48 + 6 + 0.11 / 0.04)
    stopped = [
        r.ts
        for r in frame.readings
        if isinstance(r, RuntimeReading) and not r.running and r.ts > at(54.25)
    ]  # the first stop inside day 2's shift
    assert abs((stopped[0] - predicted).total_seconds()) <= STEP_H * 3600
    # Repaired after 10 h, the machine runs again with full health.
    truth = sim.ground_truth()["machines"]["M"]
    assert truth["health"] == pytest.approx(1 - 0.04 * (72 - 66.75))
    assert truth["failures"] == [predicted.isoformat()]
    assert sim.kpis().unplanned_downtime_hours == pytest.approx(10)
    vibration = [r for r in frame.readings if isinstance(r, VibrationReading)]
    before = [r.mm_s_rms for r in vibration if predicted - timedelta(hours=1) < r.ts < predicted]
    assert min(before) > 6.0  # ISO 10816 alarm zone just before failure


def test_maintenance_resets_health_and_prevents_the_failure(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(_degraded(plant_network))
    sim.execute([command("M", produce(run("GEAR", 10_000), maintenance=(1, 2)))])
    sim.advance(at(28))  # maintenance 24:00-28:00 restored health to 1
    assert sim.ground_truth()["machines"]["M"]["health"] == pytest.approx(1.0)
    sim.advance(at(72))
    kpis = sim.kpis()
    assert sim.ground_truth()["machines"]["M"]["failures"] == []
    assert kpis.unplanned_downtime_hours == 0
    assert kpis.planned_maintenance_hours == pytest.approx(8)


def test_a_replan_repeating_todays_maintenance_does_not_stop_the_machine_twice(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(_degraded(plant_network))
    sim.execute([command("M", produce(run("GEAR", 10_000), maintenance=(1,)))])
    sim.advance(at(26))  # maintenance started at 24:00, runs until 28:00
    replan = command("M", produce(run("GEAR", 10_000), maintenance=(0,)), start=at(24))
    sim.execute([replan])
    sim.advance(at(40))
    assert sim.kpis().planned_maintenance_hours == pytest.approx(4)


def test_output_lands_in_the_plant_warehouse_up_to_its_capacity(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses))
    body = ProduceOrder(
        runs=[ProductionRun(machine_id="M", product_id="GEAR", period=0, quantity=60, hours=0)]
    )
    sim.execute([command("M", body)])
    sim.advance(at(24))
    assert sim.ground_truth()["stock"]["A"]["GEAR"] == pytest.approx(100)
    assert sim.kpis().refused_units == pytest.approx(40)
