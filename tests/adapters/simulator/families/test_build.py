"""The built network: capacities follow the tightness knobs, every depot can deliver."""

from __future__ import annotations

import pytest

from adapters.simulator.families import FAMILIES, Knobs, generate
from adapters.simulator.families.production import HOURS_PER_DAY, SETUPS_PER_DAY
from supplysync.network import Network
from supplysync.scenario import Scenario

CASES = [("metro", 1), ("regional", 2), ("coldchain", 3), ("tight", 4), ("make_to_stock", 5)]


def _demand(net: Network) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in net.customers:
        for p, rate in c.demand_per_day.items():
            out[p] = out.get(p, 0.0) + rate
    return out


@pytest.fixture(params=CASES, ids=[f"{f}-{s}" for f, s in CASES])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    family, seed = request.param
    return generate(family, seed)


def test_every_warehouse_runs_a_vehicle_and_every_reefer_depot_has_a_cold_room(
    scenario: Scenario,
) -> None:
    net = scenario.network
    assert {v.depot_id for v in net.vehicles} == {w.id for w in net.warehouses}
    reefer_depots = {v.depot_id for v in net.vehicles if v.refrigerated}
    assert all(net.warehouse(w).cold_storage for w in reefer_depots)


def test_machines_use_their_tightness_of_hours_for_the_network_demand() -> None:
    for tightness in (0.5, 0.9):
        net = generate("make_to_stock", 1, {"machine_tightness": str(tightness)}).network
        demand = _demand(net)
        makers = {p: sum(p in m.rates for m in net.machines) for p in demand}
        used = sum(
            demand[p] / makers[p] / rate for m in net.machines for p, rate in m.rates.items()
        )
        free = sum(
            HOURS_PER_DAY - min(len(m.rates), SETUPS_PER_DAY) * m.setup_hours for m in net.machines
        )
        assert used / free == pytest.approx(tightness, rel=0.03)


def test_the_fleet_carries_the_demand_over_its_tightness(scenario: Scenario) -> None:
    net = scenario.network
    tightness = Knobs.model_validate(FAMILIES[scenario.name.split("-")[0]].knobs).fleet_tightness
    total = sum(_demand(net).values()) / tightness
    room = sum(v.capacity_units for v in net.vehicles)
    assert total <= room <= total * 1.2 + 50 * len(net.vehicles)


def test_tighter_warehouses_have_less_room_for_the_same_stock() -> None:
    loose = generate("single", 1, {"warehouse_tightness": "0.3"}).network
    tight = generate("single", 1, {"warehouse_tightness": "0.9"}).network
    for a, b in zip(loose.warehouses, tight.warehouses, strict=True):
        assert a.initial_stock == b.initial_stock
        most = sum(
            max(b.initial_stock[p], b.reorder_point[p] + b.order_quantity[p])
            for p in b.initial_stock
        )
        assert b.capacity_units >= most
        assert a.capacity_units > 2.5 * b.capacity_units - 300


def test_warehouses_open_with_room_for_their_stock_and_not_below_reorder(
    scenario: Scenario,
) -> None:
    for w in scenario.network.warehouses:
        assert sum(w.initial_stock.values()) <= w.capacity_units
        assert set(w.initial_stock) == set(w.reorder_point) == set(w.order_quantity)
        assert all(w.initial_stock[p] >= w.reorder_point[p] for p in w.initial_stock)


def test_every_bought_product_has_a_main_supplier_for_its_demand(scenario: Scenario) -> None:
    net = scenario.network
    made = {p for m in net.machines for p in m.rates}
    demand = _demand(net)
    for p in demand:
        quotes = [q for s in net.suppliers for q in s.quotes if q.product_id == p]
        if p not in made:
            assert max(q.capacity_per_day for q in quotes) >= demand[p] / 0.75


def test_a_distributor_buys_everything() -> None:
    net = generate("distribution", 1).network
    assert net.plants == [] and net.machines == []
    quoted = {q.product_id for s in net.suppliers for q in s.quotes}
    assert quoted == {p.id for p in net.products}
