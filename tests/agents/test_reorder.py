"""The (s, nQ) reorder rule, exact values."""

from __future__ import annotations

import pytest

from agents.reorder import order_multiples, reorder_requests


@pytest.mark.parametrize(
    ("position", "point", "quantity", "lots"),
    [
        (100, 80, 100, 0),  # above the point: nothing
        (80, 80, 100, 0),  # exactly at the point is not below it
        (79, 80, 100, 1),  # one unit short: one lot lifts it to 179
        (0, 340, 100, 4),  # empty: 3 lots reach only 300, 4 lots (400) get above 340
        (40, 340, 100, 4),  # 40 + 300 = 340 equals s, not above it: a fourth lot
        (41, 340, 100, 3),  # 41 + 300 = 341 > 340
        (0, 340, 450, 1),  # one large lot is enough
        (0, 0.5, 2, 1),  # fractional point
    ],
)
def test_order_multiples(position: float, point: float, quantity: float, lots: int) -> None:
    got = order_multiples(position, point, quantity)
    assert got == lots
    if lots:
        assert position + got * quantity > point  # enough
        assert position + (got - 1) * quantity <= point  # and no more than needed


@pytest.mark.parametrize(
    ("stock", "inbound", "expected"),
    [
        # both below: PUMP 50 < 80 takes one lot of 100, BOLT 0 < 340 one lot of 450
        ({"PUMP": 50, "BOLT": 0}, {}, {"BOLT": 450, "PUMP": 100}),
        # inbound counts: PUMP 50 + 40 = 90 >= 80, BOLT 400 >= 340: nothing
        ({"PUMP": 50, "BOLT": 400}, {"PUMP": 40}, {}),
        # a product missing from stock counts as zero; BOLT is covered by inbound
        ({}, {"BOLT": 400}, {"PUMP": 100}),
        # BOLT at 339 is one unit short: a whole lot of 450, never a partial one
        ({"PUMP": 80, "BOLT": 339}, {}, {"BOLT": 450}),
    ],
)
def test_reorder_requests(
    stock: dict[str, float], inbound: dict[str, float], expected: dict[str, float]
) -> None:
    points = {"PUMP": 80.0, "BOLT": 340.0}
    quantities = {"PUMP": 100.0, "BOLT": 450.0}
    got = reorder_requests(stock, inbound, points, quantities)
    assert {r.product_id: r.quantity for r in got} == expected
    assert [r.product_id for r in got] == sorted(expected)


def test_deep_shortfall_orders_several_lots() -> None:
    got = reorder_requests({"VALVE": 0}, {}, {"VALVE": 170}, {"VALVE": 50})
    assert [(r.product_id, r.quantity) for r in got] == [("VALVE", 200)]  # 4 x 50 > 170


def test_product_without_order_quantity_is_skipped() -> None:
    assert reorder_requests({"PUMP": 0}, {}, {"PUMP": 80}, {}) == []
