"""Scarce stock serves the earliest firm orders first.

Orders for today and tomorrow may both be firm at one penalty. A replan
serves only what falls due today; tomorrow's share is planned again at the
next replan. Were the two priced alike, the plan could keep the stock a
period for the buffer it fills (`TargetPrices.under`) and plan to serve
tomorrow instead; the next replan sees the same choice, and the stock
stays on the shelf while every day's orders go short.
"""

from __future__ import annotations

import pytest

from optimizer.data import planning_data
from optimizer.milp import plan_milp
from supplysync.network import Customer, Network
from supplysync.offers import NetworkSnapshot
from tests.optimizer.conftest import (
    NEAR,
    SETTINGS,
    line,
    line_network,
    product,
    quote,
    snapshot_of,
    supplier,
)


def scarce_stock() -> Network:
    """W holds 60 of P; its only source is 12 days away, so any stock is below safety."""
    net = line_network(
        products=[product("P", penalty=19.0)],
        machines=[],
        suppliers=[supplier("S", quote("P", 10.0, 12, 5.0))],
        stock={"P": 60.0},
    )
    customer = Customer(id="C", name="c", location=NEAR, region="r", demand_per_day={"P": 50.0})
    return net.model_copy(update={"customers": [customer]})


def _snapshot() -> NetworkSnapshot:
    demand = [line(50.0, 0), line(50.0, 1), line(50.0, 2, firm=False)]
    return snapshot_of(scarce_stock(), demand=demand)


def test_the_stock_is_below_its_target_so_keeping_it_earns_something() -> None:
    data = planning_data(_snapshot(), SETTINGS)
    assert data.targets["W", "P"].safety > 60.0
    assert data.target_prices("P").under > 0


def test_an_earlier_firm_order_is_priced_above_a_later_one() -> None:
    data = planning_data(_snapshot(), SETTINGS)
    today, tomorrow = data.demand[0], data.demand[1]
    assert data.line_penalty(today) > data.line_penalty(tomorrow) + data.target_prices("P").under


def test_scarce_stock_serves_todays_orders_before_tomorrows() -> None:
    plan = plan_milp(_snapshot(), SETTINGS, plan_id="p")
    served = {t: sum(d.quantity for d in plan.deliveries if d.period == t) for t in range(3)}
    assert served[0] == 50.0, served


def test_shortages_report_the_networks_penalty_not_the_urgency() -> None:
    plan = plan_milp(_snapshot(), SETTINGS, plan_id="p")
    assert plan.shortages
    weight = {0: 1.0, 1: 1.0, 2: 0.9}  # two firm periods, then a forecast at `forecast_weight`
    for s in plan.shortages:
        assert s.penalty == pytest.approx(19.0 * weight[s.period] * s.quantity, abs=0.01)
