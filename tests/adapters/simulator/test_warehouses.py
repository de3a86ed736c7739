"""Warehouses: capacity, refusals, surges, transfers, sensors and stock invariants."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.simulator import Simulator
from supplysync.commands import Command, ProduceOrder, SupplyOrder, TransferOrder
from supplysync.network import Network
from supplysync.offers import ProductionRun
from supplysync.plan import PurchaseOrder, Transfer
from supplysync.readings import HumidityReading, RfidScan, StockLevelReading, TemperatureReading
from supplysync.scenario import InboundSurge
from tests.adapters.simulator.builders import at, command, scenario


def transfer(
    tid: str, origin: str, dest: str, qty: float, ship: int = 0, arrive: int = 1
) -> Transfer:
    return Transfer(
        transfer_id=tid,
        origin_id=origin,
        destination_id=dest,
        product_id="GEAR",
        quantity=qty,
        ship_period=ship,
        arrival_period=arrive,
    )


def test_a_surge_beyond_free_space_is_partly_refused(two_warehouses: Network) -> None:
    surge = InboundSurge(warehouse_id="A", product_id="GEAR", day=0, quantity=50)
    sim = Simulator(scenario(two_warehouses, [surge]))
    frame = sim.advance(at(24))
    (scan,) = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert (scan.lot_id, scan.units, scan.direction, scan.ts) == ("surge:0", 20, "in", at(10))
    assert sim.ground_truth()["stock"]["A"]["GEAR"] == 100
    assert sim.kpis().refused_units == 30


def test_a_transfer_sent_to_both_warehouses_moves_once(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses))
    body = TransferOrder(transfers=[transfer("t-1", "B", "A", 15)])
    sim.execute([command("B", body), command("A", body)])
    frame = sim.advance(at(48))
    scans = [
        (r.site_id, r.direction, r.units, r.ts) for r in frame.readings if isinstance(r, RfidScan)
    ]
    assert scans == [("B", "out", 15, at(0)), ("A", "in", 15, at(32))]
    assert sim.ground_truth()["stock"] == {"A": {"GEAR": 95}, "B": {"GEAR": 485}}


def test_a_world_begun_mid_day_ships_a_transfer_when_it_begins_not_before(
    two_warehouses: Network,
) -> None:
    """Nothing happens in a live fleet's world before it starts, though its first step did.

    Its days count from midnight, so its first step (14:30-14:45) began
    before the fleet (14:37:12); a transfer it was told to ship at once
    went out, and was scanned, at 14:30.
    """
    begun = at(14.62)
    sim = Simulator(scenario(two_warehouses), begin=begun)
    body = TransferOrder(transfers=[transfer("t-1", "B", "A", 15)])
    sim.execute([command("B", body), command("A", body)])
    frame = sim.advance(at(15))
    scans = [(r.site_id, r.direction, r.ts) for r in frame.readings if isinstance(r, RfidScan)]
    assert scans == [("B", "out", begun)]
    assert all(r.ts > begun for r in frame.readings if not isinstance(r, RfidScan))


def test_a_transfer_takes_no_more_than_the_origin_has_and_refuses_overflow(
    two_warehouses: Network,
) -> None:
    sim = Simulator(scenario(two_warehouses))
    sim.execute([command("A", TransferOrder(transfers=[transfer("t-1", "A", "B", 500)]))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"] == {"A": {"GEAR": 0}, "B": {"GEAR": 580}}
    sim2 = Simulator(scenario(two_warehouses))
    sim2.execute([command("B", TransferOrder(transfers=[transfer("t-2", "B", "A", 300)]))])
    sim2.advance(at(48))
    assert sim2.ground_truth()["stock"] == {"A": {"GEAR": 100}, "B": {"GEAR": 200}}
    assert sim2.kpis().refused_units == 280


def test_a_new_transfer_order_replaces_unshipped_transfers(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses))
    sim.execute([command("B", TransferOrder(transfers=[transfer("t-1", "B", "A", 15, 1, 1)]))])
    sim.execute([command("A", TransferOrder(transfers=[transfer("t-2", "B", "A", 5, 1, 1)]))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"]["A"]["GEAR"] == 85


def test_sensors_sample_every_step_and_shelves_every_hour(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses))
    frame = sim.advance(at(24))
    env = [r for r in frame.readings if r.device_id == "A-env"]
    temps = [r.celsius for r in env if isinstance(r, TemperatureReading)]
    humid = [r.percent_rh for r in env if isinstance(r, HumidityReading)]
    assert len(temps) == len(humid) == 96
    assert 3.5 < sum(temps) / 96 < 4.5 and 40 < sum(humid) / 96 < 50
    shelf = [r for r in frame.readings if isinstance(r, StockLevelReading) and r.asset_id == "A"]
    assert [r.ts for r in shelf] == [at(h) for h in range(1, 25)]
    assert {r.units for r in shelf} == {80}


def test_carrying_cost_accrues_on_stock_each_step(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses))
    sim.advance(at(48))
    # 580 GEAR at 0.1 per unit-day for two days.
    assert sim.kpis().inventory_carrying_cost == pytest.approx(116)


def _commands(draw_ops: list[tuple[str, float, int]]) -> list[list[Command]]:
    """Turn drawn operations into one command batch per day."""
    days: dict[int, list[Command]] = defaultdict(list)
    for n, (op, qty, day) in enumerate(draw_ops):
        start = at(24 * day)
        if op == "transfer_ba":
            body = TransferOrder(transfers=[transfer(f"t{n}", "B", "A", qty)])
            days[day] += [command("A", body, start=start), command("B", body, start=start)]
        elif op == "transfer_ab":
            body = TransferOrder(transfers=[transfer(f"t{n}", "A", "B", qty)])
            days[day] += [command("A", body, start=start), command("B", body, start=start)]
        elif op == "supply":
            dest = "A" if n % 2 else "B"
            po = PurchaseOrder(
                po_id=f"po{n}",
                supplier_id="S",
                product_id="GEAR",
                destination_id=dest,
                quantity=qty,
                order_period=0,
                arrival_period=1,
                unit_price=5,
            )
            days[day].append(command("S", SupplyOrder(orders=[po]), start=start))
        else:
            run = ProductionRun(machine_id="M", product_id="GEAR", period=0, quantity=qty, hours=0)
            days[day].append(command("M", ProduceOrder(runs=[run]), start=start))
    return [days[d] for d in range(3)]


OPS = st.lists(
    st.tuples(
        st.sampled_from(["transfer_ba", "transfer_ab", "supply", "produce"]),
        st.floats(min_value=1, max_value=700),
        st.integers(min_value=0, max_value=2),
    ),
    max_size=8,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_stock_is_never_negative_nor_above_capacity(
    two_warehouses: Network, ops: list[tuple[str, float, int]]
) -> None:
    sim = Simulator(scenario(two_warehouses, days=3))
    capacity = {w.id: w.capacity_units for w in two_warehouses.warehouses}
    moved: dict[str, float] = {"A": 80, "B": 500}
    for day, batch in enumerate(_commands(ops)):
        sim.execute(batch)
        for hour in range(3, 25, 3):
            frame = sim.advance(at(24 * day + hour))
            for reading in frame.readings:
                if isinstance(reading, RfidScan):
                    sign = 1 if reading.direction == "in" else -1
                    moved[reading.site_id] += sign * reading.units
            stock = sim.ground_truth()["stock"]
            for wid, products in stock.items():
                assert all(units >= 0 for units in products.values())
                assert sum(products.values()) <= capacity[wid] + 1e-6
                # Every movement is scanned: the scans account for the stock.
                assert sum(products.values()) == pytest.approx(moved[wid], abs=1e-3)
