"""Customer demand: daily orders, spikes, noise, loss and the demand totals."""

from __future__ import annotations

import statistics

import pytest

from adapters.simulator import Simulator
from supplysync.commands import RouteOrder
from supplysync.network import Customer, Network, Warehouse
from supplysync.plan import Route, Stop
from supplysync.scenario import DemandSpike, Scenario
from tests.adapters.simulator.builders import (
    COG,
    DUISBURG,
    ESSEN,
    GEAR,
    START,
    at,
    command,
    scenario,
)


def _network(*customers: Customer) -> Network:
    return Network(
        products=[GEAR, COG],
        warehouses=[
            Warehouse(id="W", name="W", location=DUISBURG, region="west", capacity_units=100)
        ],
        customers=list(customers),
    )


def _customer(cid: str, region: str, **demand: float) -> Customer:
    return Customer(id=cid, name=cid, location=ESSEN, region=region, demand_per_day=demand)


def test_orders_arrive_daily_for_the_day_lead_days_ahead() -> None:
    net = _network(_customer("C", "east", GEAR=10, COG=4))
    sim = Simulator(scenario(net, days=3, order_lead_days=2))
    first = sim.advance(sim.now).orders
    # At the start: today and the two days ahead, so day 0 has demand.
    assert [(o.product_id, o.due, o.quantity) for o in first] == [
        ("GEAR", at(0), 10),
        ("COG", at(0), 4),
        ("GEAR", at(24), 10),
        ("COG", at(24), 4),
        ("GEAR", at(48), 10),
        ("COG", at(48), 4),
    ]
    assert {o.created_at for o in first} == {START}
    later = sim.advance(at(72)).orders
    assert [(o.due, o.created_at) for o in later if o.product_id == "GEAR"] == [
        (at(72), at(24)),
        (at(96), at(48)),
    ]
    assert len({o.order_id for o in first + later}) == len(first + later)


def test_small_rates_order_at_least_one_unit_and_zero_rates_none() -> None:
    net = _network(_customer("C", "east", GEAR=0.2, COG=0))
    orders = Simulator(scenario(net)).advance(at(0)).orders
    assert [(o.product_id, o.quantity) for o in orders] == [("GEAR", 1), ("GEAR", 1)]


def test_a_demand_spike_multiplies_orders_in_its_region_on_its_days() -> None:
    spike = DemandSpike(region="east", factor=3, start_day=1, end_day=2, products=["GEAR"])
    net = _network(_customer("E", "east", GEAR=10, COG=4), _customer("X", "west", GEAR=10))
    sim = Simulator(scenario(net, [spike], days=4, order_lead_days=0))
    orders = sim.advance(sim.end).orders
    by_day = {(o.customer_id, o.product_id, o.due): o.quantity for o in orders}
    assert [by_day["E", "GEAR", at(24 * d)] for d in range(4)] == [10, 30, 30, 10]
    assert [by_day["E", "COG", at(24 * d)] for d in range(4)] == [4, 4, 4, 4]
    assert [by_day["X", "GEAR", at(24 * d)] for d in range(4)] == [10, 10, 10, 10]


def test_noise_has_the_configured_mean_and_spread() -> None:
    customers = [_customer(f"C{i}", "east", GEAR=100) for i in range(20)]
    sim = Simulator(scenario(_network(*customers), days=10, demand_cv=0.3, seed=3))
    quantities = [o.quantity for o in sim.advance(sim.end).orders]
    assert len(quantities) == 20 * 11
    assert statistics.mean(quantities) == pytest.approx(100, rel=0.08)
    assert statistics.stdev(quantities) == pytest.approx(30, rel=0.25)


def test_unfilled_orders_are_lost_two_days_after_due_and_count_only_within_the_run() -> None:
    net = _network(_customer("C", "east", GEAR=10))
    sim = Simulator(scenario(net, days=3))
    sim.advance(at(47.75))
    assert sim.ground_truth()["orders"]["lost_units"] == 0
    sim.advance(at(48.25))
    assert sim.ground_truth()["orders"]["lost_units"] == 10  # the order due on day 0
    sim.advance(sim.end)
    truth, kpis = sim.ground_truth()["orders"], sim.kpis()
    assert (truth["lost_units"], truth["open_units"]) == (10, 30)  # due days 1, 2 and 3 open
    assert kpis.ordered_units == 30  # days 0-2; the order due on day 3 is outside the run
    assert (kpis.fill_rate, kpis.delivered_units) == (0, 0)


def test_demand_does_not_depend_on_what_the_policy_commands(demo_scenario: Scenario) -> None:
    # One seed, one world: a policy's commands change what the physical models
    # draw from their stream (here: a vehicle driving draws harsh-driving and
    # shock events), never the orders customers place.
    idle, busy = Simulator(demo_scenario), Simulator(demo_scenario)
    stop = Stop(site_id="C-ESSEN", arrive_h=8, depart_h=9, drop={"BOLT": 5})
    route = Route(
        vehicle_id="V-DUI-2",
        period=0,
        depot_id="W-DUI",
        stops=[stop],
        load={"BOLT": 5},
        method="test",
    )
    busy.execute(
        [command("V-DUI-2", RouteOrder(routes=[route]), start=demo_scenario.simulation.start)]
    )
    idle_frame, busy_frame = idle.advance(idle.end), busy.advance(busy.end)
    assert len(busy_frame.readings) != len(idle_frame.readings)
    assert [(o.order_id, o.quantity) for o in idle_frame.orders] == [
        (o.order_id, o.quantity) for o in busy_frame.orders
    ]
