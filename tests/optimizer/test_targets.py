"""Stock targets: safety stock and lead per warehouse and product, from the network alone."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from optimizer.data import planning_data
from optimizer.targets import Z_MAX, service_factor, stock_targets
from supplysync.network import Customer, Location, Network
from tests.optimizer.conftest import (
    NEAR,
    SETTINGS,
    line_network,
    product,
    quote,
    snapshot_of,
    supplier,
)

FAR = Location(lat=51.6, lon=7.0)  # about 67 km north of HOME


def with_customers(net: Network, *customers: Customer) -> Network:
    return net.model_copy(update={"customers": list(customers)})


def customer(cid: str, at: Location, rate: float, pid: str = "P") -> Customer:
    return Customer(id=cid, name=cid, location=at, region="r", demand_per_day={pid: rate})


@pytest.mark.parametrize(
    ("penalty", "holding", "periods", "z"),
    [
        (100.0, 0.1, 1, Z_MAX),  # lost sales 1000x holding: capped
        (10.0, 10.0, 1, 0.0),  # even odds: no buffer
        (30.0, 10.0, 1, NormalDist().inv_cdf(0.75)),  # 3:1 for holding one period
        (30.0, 5.0, 2, NormalDist().inv_cdf(0.75)),  # the same over two periods
        (0.0, 1.0, 1, 0.0),  # nothing lost by running out
    ],
)
def test_service_factor_is_the_newsvendor_ratio_capped(
    penalty: float, holding: float, periods: int, z: float
) -> None:
    assert service_factor(penalty, holding, periods) == pytest.approx(z)


def test_targets_follow_the_nearest_warehouse_its_source_and_the_demand_swing() -> None:
    """Two customers served from W: mean 30/day, spread 0.3 * (10 + 20), lead 3 + 1.

    Safety covers four days of that spread and a lead time slipping by half
    a day (`CostModel.lead_sd_periods`; two suppliers, so either can step in
    for the other): z * sqrt(4 * 9**2 + (30 * 0.5)**2).
    """
    two = [supplier("S", quote("P", 100, 3, 10.0)), supplier("T", quote("P", 100, 3, 11.0))]
    net = with_customers(
        line_network(machines=[], suppliers=two),
        customer("C1", NEAR, 10.0),
        customer("C2", NEAR, 20.0),
    )
    data = planning_data(snapshot_of(net, 3), SETTINGS)
    target = data.targets["W", "P"]
    assert target.lead == 4  # lands on day 3, leaves on day 4
    assert target.mean == pytest.approx(30.0)
    z = service_factor(100.0, 0.1, 4)
    assert target.safety == pytest.approx(z * math.sqrt(4 * 9.0**2 + 15.0**2), abs=1e-3)


def test_a_single_source_buffers_a_whole_period_of_slip() -> None:
    """One supplier and no machine: when it is held, nothing else can step in once that is seen.

    A product whose only supplier is held for days runs dry unless the
    buffer carries the slip itself: `CostModel.single_source_lead_sd_periods`.
    """
    net = with_customers(
        line_network(machines=[], suppliers=[supplier("S", quote("P", 100, 3, 10.0))]),
        customer("C1", NEAR, 10.0),
        customer("C2", NEAR, 20.0),
    )
    target = planning_data(snapshot_of(net, 3), SETTINGS).targets["W", "P"]
    z = service_factor(100.0, 0.1, 4)
    assert target.safety == pytest.approx(z * math.sqrt(4 * 9.0**2 + 30.0**2), abs=1e-3)


def test_one_machine_is_a_single_source_and_two_are_not() -> None:
    one = with_customers(line_network(), customer("C1", NEAR, 10.0))
    machines = one.machines
    second = machines[0].model_copy(update={"id": "M2", "name": "M2"})
    two = one.model_copy(update={"machines": [*machines, second]})
    alone = planning_data(snapshot_of(one, 3), SETTINGS).targets["W", "P"]
    paired = planning_data(snapshot_of(two, 3), SETTINGS).targets["W", "P"]
    assert (alone.lead, paired.lead) == (1, 1)
    assert alone.safety > paired.safety


def test_the_tail_expects_what_the_region_lately_orders() -> None:
    """Region r ordering at 2.5 times its rates: the tail's mean and the spread grow with it."""
    net = with_customers(
        line_network(machines=[], suppliers=[supplier("S", quote("P", 100, 3, 10.0))]),
        customer("C1", NEAR, 10.0),
        customer("C2", NEAR, 20.0),
    )
    calm = planning_data(snapshot_of(net, 3), SETTINGS).targets["W", "P"]
    spiked = snapshot_of(net, 3).model_copy(update={"demand_levels": {"r": {"P": 2.5}}})
    target = planning_data(spiked, SETTINGS).targets["W", "P"]
    assert target.mean == pytest.approx(75.0)
    assert target.safety > calm.safety


def test_a_made_product_has_a_lead_of_one_period() -> None:
    net = with_customers(line_network(), customer("C1", NEAR, 10.0))
    assert planning_data(snapshot_of(net, 3), SETTINGS).targets["W", "P"].lead == 1


def test_no_source_or_no_reach_means_no_target() -> None:
    unsourced = with_customers(line_network(machines=[]), customer("C1", NEAR, 10.0))
    assert planning_data(snapshot_of(unsourced, 3), SETTINGS).targets == {}
    out_of_reach = stock_targets(
        network=with_customers(line_network(), customer("C1", FAR, 10.0)),
        arcs=[],
        cold_arcs=[],
        km={},
        leads={("W", "P"): 1},
        cold=frozenset(),
        period_hours=24.0,
        demand_cv=0.3,
        lead_sd={"P": 0.5},
        holding={"P": 0.1},
    )
    assert out_of_reach == {}


def test_cold_products_target_the_warehouse_a_reefer_serves_from() -> None:
    """Only the cold arcs count for a cold product: without a reefer nothing is targeted."""
    cold = product("K", cold=True)
    net = with_customers(
        line_network(products=[cold], machines=[], suppliers=[supplier("S", quote("K", 50, 1, 5))]),
        customer("C1", NEAR, 10.0, pid="K"),
    )
    assert planning_data(snapshot_of(net, 3), SETTINGS).targets == {}
