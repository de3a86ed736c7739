"""Reorder tables derived from a tiny hand-made network, every figure worked by hand."""

from __future__ import annotations

import math

import pytest

from evaluation.tables import derive_tables, serving_warehouse, warehouse_demand, with_tables
from supplysync.network import (
    Customer,
    Location,
    Machine,
    Network,
    Plant,
    Product,
    Supplier,
    SupplyQuote,
    Vehicle,
    Warehouse,
)
from supplysync.scenario import Scenario, SimulationSettings

CV = 0.2


def _product(pid: str, *, cold: bool = False) -> Product:
    temps = {"temp_min_c": 2.0, "temp_max_c": 8.0} if cold else {}
    return Product(
        id=pid, name=pid, unit_value=10, holding_cost_per_day=0.1, shortage_penalty=50, **temps
    )


def _at(lon: float) -> Location:
    return Location(lat=50.0, lon=lon)


def _customer(cid: str, lon: float, demand: dict[str, float]) -> Customer:
    return Customer(id=cid, name=cid, location=_at(lon), region="r", demand_per_day=demand)


def _quote(pid: str, lead: int, price: float) -> SupplyQuote:
    return SupplyQuote(product_id=pid, capacity_per_day=100, lead_time_days=lead, unit_price=price)


def tiny_network(*, reefer: bool = True) -> Network:
    """WA (lon 6.0, cold room, reefer, a plant's output) and WB (lon 7.0, dry, box truck).

    P is made at WA's plant and bought (S-FAST: 2 days at 5, S-SLOW: 4 days
    at 3); K is cold and bought (3 days or 1 day, both at 10); Q has no
    source but transfers. C1 (lon 6.1) is nearest WA; C2 (6.9) and C3 (6.8)
    are nearest WB, but C2's cold K must come from WA.
    """
    return Network(
        products=[_product("P"), _product("K", cold=True), _product("Q")],
        suppliers=[
            Supplier(
                id="S-FAST", name="f", location=_at(6.5), region="r", quotes=[_quote("P", 2, 5)]
            ),
            Supplier(
                id="S-SLOW", name="s", location=_at(6.5), region="r", quotes=[_quote("P", 4, 3)]
            ),
            Supplier(
                id="S-K",
                name="k",
                location=_at(6.5),
                region="r",
                quotes=[_quote("K", 3, 10), _quote("K", 1, 10)],
            ),
        ],
        plants=[Plant(id="PL", name="pl", location=_at(6.0), region="r", output_warehouse_id="WA")],
        machines=[Machine(id="M", name="m", plant_id="PL", rates={"P": 5})],
        warehouses=[
            Warehouse(id="WA", name="a", location=_at(6.0), region="r", capacity_units=1000),
            Warehouse(
                id="WB",
                name="b",
                location=_at(7.0),
                region="r",
                capacity_units=1000,
                cold_storage=False,
            ),
        ],
        customers=[
            _customer("C1", 6.1, {"P": 10, "K": 4}),
            _customer("C2", 6.9, {"P": 20, "K": 3}),
            _customer("C3", 6.8, {"P": 10, "Q": 5}),
        ],
        vehicles=[
            Vehicle(id="VA", name="va", depot_id="WA", capacity_units=100, refrigerated=reefer),
            Vehicle(id="VB", name="vb", depot_id="WB", capacity_units=100),
        ],
    )


def test_customers_go_to_the_nearest_warehouse_cold_ones_to_a_cold_room() -> None:
    net = tiny_network()
    c1, c2, c3 = net.customers
    assert serving_warehouse(net, c1, "P") == "WA"
    assert serving_warehouse(net, c2, "P") == "WB"
    assert serving_warehouse(net, c3, "Q") == "WB"
    assert serving_warehouse(net, c2, "K") == "WA"  # WB has no cold room


def test_without_any_reefer_cold_goods_come_from_the_nearest_cold_room() -> None:
    net = tiny_network(reefer=False)
    assert serving_warehouse(net, net.customers[1], "K") == "WA"


def test_demand_per_warehouse() -> None:
    demand = warehouse_demand(tiny_network(), CV)
    assert set(demand) == {("WA", "P"), ("WA", "K"), ("WB", "P"), ("WB", "Q")}
    assert demand["WA", "K"].mean == 7  # C1 4 + C2 3
    assert demand["WA", "K"].sd == pytest.approx(0.2 * 5)  # 0.2 * sqrt(4² + 3²)
    assert demand["WB", "P"].mean == 30  # C2 20 + C3 10
    assert demand["WB", "P"].sd == pytest.approx(0.2 * math.sqrt(500))


def test_tables_by_hand() -> None:
    tables = derive_tables(tiny_network(), demand_cv=CV, transfer_days=2, z=1.0, cover_days=3.0)
    assert tables.reorder_point == {
        # made at WA's own plant: L = 1, L + R = 2; μ 10, σ 2
        "WA": {
            "K": pytest.approx(14 + 1.41421, abs=1e-3),
            "P": pytest.approx(20 + 2 * 1.41421, abs=1e-3),
        },
        # P bought from the cheapest (S-SLOW, 4 days): L + R = 5, σ sqrt(5) = sqrt(500)/5
        # Q only by transfer (2 days): L + R = 3; μ 5, σ 1
        "WB": {"P": pytest.approx(150 + 10, abs=1e-3), "Q": pytest.approx(15 + 1.73205, abs=1e-3)},
    }
    # K: both quotes cost 10, the rule takes the 1-day one: L + R = 2; μ 7, σ 1
    assert tables.order_quantity == {"WA": {"K": 21, "P": 30}, "WB": {"P": 90, "Q": 15}}


def test_order_quantity_is_at_least_one_unit() -> None:
    tables = derive_tables(tiny_network(), demand_cv=0.0, transfer_days=2, z=0.0, cover_days=0.1)
    assert tables.order_quantity["WB"]["Q"] == 1.0  # 5 * 0.1 = 0.5
    assert tables.reorder_point["WB"]["Q"] == 15.0  # no spread: μ (L + R) only


def test_with_tables_replaces_every_warehouses_tables() -> None:
    net = tiny_network()
    seeded = net.model_copy(
        update={
            "warehouses": [
                net.warehouses[0].model_copy(update={"reorder_point": {"Q": 99.0}}),
                net.warehouses[1],
            ]
        }
    )
    scenario = Scenario(
        name="tiny",
        simulation=SimulationSettings(start="2026-03-02T00:00:00Z"),
        network=seeded,
    )
    tables = derive_tables(net, demand_cv=CV, transfer_days=2, z=1.0, cover_days=3.0)
    out = with_tables(scenario, tables)
    assert out.network.warehouse("WA").reorder_point == tables.reorder_point["WA"]
    assert "Q" not in out.network.warehouse("WA").reorder_point
    assert out.network.warehouse("WB").order_quantity == tables.order_quantity["WB"]
