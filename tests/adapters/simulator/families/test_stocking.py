"""Stock settings a planner would set: reorder points, lots, opening stock, capacity."""

from __future__ import annotations

import math

import pytest

from adapters.simulator.families.service import Lines
from adapters.simulator.families.stocking import Site, StockRules, build_warehouses, needs
from supplysync.network import Location

HERE = Location(lat=51.0, lon=7.0)
RULES = StockRules(review_days=1, service_z=1.65, order_days=3, initial_days=2, tightness=0.5)


def _site(wid: str) -> Site:
    return Site(wid, wid, "r", HERE, cold_storage=True)


def test_a_bought_product_covers_lead_and_review_with_safety_stock() -> None:
    lines = Lines({}, {("A", "GEAR"): [10.0, 20.0]})
    need = needs(
        [_site("A")], lines, ["GEAR"], makers={}, buy_lead={"GEAR": 2}, transfer_days=1, cv=0.2
    )
    assert need["A", "GEAR"].mean == 30
    assert need["A", "GEAR"].sd == pytest.approx(0.2 * math.sqrt(500))
    (w,) = build_warehouses([_site("A")], need, RULES)
    safety = 1.65 * 0.2 * math.sqrt(500) * math.sqrt(3)
    assert w.reorder_point["GEAR"] == math.ceil(30 * 3 + safety)
    assert w.order_quantity["GEAR"] == 90
    assert w.initial_stock["GEAR"] == w.reorder_point["GEAR"]  # 2 days + safety is below it
    assert w.capacity_units == 100 * math.ceil((w.reorder_point["GEAR"] + 90) / 0.5 / 100)


def test_a_plants_dock_stocks_for_the_warehouses_it_feeds() -> None:
    lines = Lines({}, {("DOCK", "GEAR"): [10.0], ("A", "GEAR"): [20.0], ("B", "GEAR"): [30.0]})
    sites = [_site("DOCK"), _site("A"), _site("B")]
    need = needs(
        sites,
        lines,
        ["GEAR"],
        makers={"GEAR": frozenset({"DOCK"})},
        buy_lead={},
        transfer_days=1,
        cv=0.1,
    )
    assert need["DOCK", "GEAR"].mean == 60
    assert need["DOCK", "GEAR"].lead_days == 1
    assert (need["A", "GEAR"].mean, need["A", "GEAR"].lead_days) == (20, 1)


def test_lots_are_tidy() -> None:
    lines = Lines({}, {("A", "BOLT"): [333.0]})
    need = needs(
        [_site("A")], lines, ["BOLT"], makers={}, buy_lead={"BOLT": 1}, transfer_days=1, cv=0.1
    )
    (w,) = build_warehouses([_site("A")], need, RULES)
    assert w.order_quantity["BOLT"] == 1000  # 999 rounded up to 50s


def test_a_warehouse_that_serves_nothing_stocks_nothing() -> None:
    (w,) = build_warehouses([_site("A")], {}, RULES)
    assert (w.initial_stock, w.reorder_point, w.capacity_units) == ({}, {}, 100)
