"""The oracle knows what the simulated world will do: orders, holds, wear, reefers, surges.

Each test checks the oracle against the simulator itself, not against a
second copy of the formula: the orders a run emits, the hour a held
shipment is scanned in, the hour a worn machine breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters.simulator import Simulator
from adapters.simulator.oracle import Oracle
from supplysync.commands import ProduceOrder, SupplyOrder
from supplysync.network import Network
from supplysync.offers import ProductionRun
from supplysync.orders import CustomerOrder
from supplysync.plan import PurchaseOrder
from supplysync.readings import RfidScan
from supplysync.scenario import (
    InboundSurge,
    MachineDegradation,
    ReeferFailure,
    Scenario,
    SupplierDelay,
)
from tests.adapters.simulator.builders import at, command, scenario


def emitted_orders(sim: Simulator) -> list[CustomerOrder]:
    """Every order the simulator sends from its start to its end, 5 hours at a time."""
    orders = list(sim.advance(sim.now).orders)
    while sim.now < sim.end:
        orders.extend(sim.advance(sim.now + timedelta(hours=5)).orders)
    return orders


@pytest.mark.parametrize("seed", [None, 11])  # the scenario's own seed (7), and an override
def test_the_oracle_knows_every_order_the_simulator_sends(
    demo_scenario: Scenario, seed: int | None
) -> None:
    sent = emitted_orders(Simulator(demo_scenario, seed=seed))
    known = Oracle(demo_scenario, seed=seed).orders
    # Id for id, quantity for quantity, due and sent at the same instants.
    assert [o.model_dump() for o in known] == [o.model_dump() for o in sent]
    assert len(sent) == 400  # 7 days of the demo's spiked, noisy demand


def test_another_seed_is_another_world(demo_scenario: Scenario) -> None:
    a, b = Oracle(demo_scenario).orders, Oracle(demo_scenario, seed=11).orders
    assert [o.order_id for o in a] == [o.order_id for o in b]
    assert [o.quantity for o in a] != [o.quantity for o in b]


def test_orders_after_are_those_not_sent_yet(demo_scenario: Scenario) -> None:
    oracle = Oracle(demo_scenario)
    start = demo_scenario.simulation.start
    later = oracle.orders_after(start)  # day 0's orders are sent at the start itself
    assert later and all(o.created_at > start for o in later)
    assert len(later) == len(oracle.orders) - sum(o.created_at == start for o in oracle.orders)


def po(po_id: str, order: int, arrival: int) -> PurchaseOrder:
    return PurchaseOrder(
        po_id=po_id,
        supplier_id="S",
        product_id="GEAR",
        destination_id="W",
        quantity=10,
        order_period=order,
        arrival_period=arrival,
        unit_price=5,
    )


def test_a_held_shipment_lands_when_the_oracle_says(supply_network: Network) -> None:
    delay = SupplierDelay(supplier_id="S", start_day=1, delay_days=1.5)
    world = scenario(supply_network, [delay], days=5)
    sim = Simulator(world)
    # po-0 leaves on day 0, before the delay; po-1 on day 1, held 36 h.
    sim.execute([command("S", SupplyOrder(orders=[po("po-0", 0, 1), po("po-1", 1, 2)]))])
    scans = [r for r in sim.advance(at(120)).readings if isinstance(r, RfidScan)]
    landed = {r.lot_id: r.ts for r in scans}

    oracle = Oracle(world)
    assert oracle.arrival("S", "GEAR", "W", at(0), at(24)) == landed["po-0"] == at(32)
    assert oracle.arrival("S", "GEAR", "W", at(24), at(48)) == landed["po-1"] == at(56 + 36)
    assert oracle.hold("S", at(23)) == timedelta(0)
    assert oracle.hold("S", at(24)) == timedelta(hours=36)
    assert oracle.landing(at(48)) == at(56)


def test_a_worn_machine_fails_when_the_oracle_says(
    plant_network: Callable[..., Network],
) -> None:
    # Wear 0.01/h, four times faster from day 1, no setup: 06:00-24:00 on day
    # 0 leaves health 0.82; day 1 takes 0.72; the last 0.10 goes in 2.5 h.
    world = scenario(
        plant_network(setup_hours=0.0),
        [MachineDegradation(machine_id="M", start_day=1, wear_multiplier=4)],
        days=3,
    )
    sim = Simulator(world)
    run = ProductionRun(machine_id="M", product_id="GEAR", period=0, quantity=10_000, hours=0)
    sim.execute([command("M", ProduceOrder(runs=[run]))])
    sim.advance(at(72))
    (failed,) = sim.ground_truth()["machines"]["M"]["failures"]

    oracle = Oracle(world)
    assert oracle.failure_at("M", 1.0, at(0)) == at(54 + 2.5)
    assert failed == at(54 + 2.5).isoformat()
    # From noon on day 1 with health 0.5: 12 h at 0.04/h to midnight, then
    # the last 0.02 in the first half hour of day 2's shift.
    assert oracle.failure_at("M", 0.5, at(36)) == at(54.5)
    # Health enough to outlast the run.
    assert oracle.failure_at("M", 5.0, at(0)) is None


def test_reefer_failures_and_surges_as_scripted(delivery_network: Network) -> None:
    world = scenario(
        delivery_network,
        [
            ReeferFailure(vehicle_id="REEFER", start_day=1, start_hour=9, duration_hours=40),
            InboundSurge(warehouse_id="W", product_id="GEAR", day=2, quantity=300),
        ],
        days=4,
    )
    oracle = Oracle(world)
    assert not oracle.reefer_out("REEFER", at(7), at(17))  # day 0's trip
    assert oracle.reefer_out("REEFER", at(31), at(41))  # fails at 09:00 on day 1
    assert oracle.reefer_out("REEFER", at(55), at(65))  # still out on day 2
    assert not oracle.reefer_out("REEFER", at(79), at(89))  # back at 01:00 on day 3
    assert not oracle.reefer_out("VAN", at(31), at(41))
    (surge,) = oracle.surges()
    assert (surge.lot, surge.warehouse_id, surge.product_id, surge.quantity, surge.at) == (
        "surge:0",
        "W",
        "GEAR",
        300,
        at(58),
    )
