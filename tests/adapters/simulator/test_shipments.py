"""Supplier shipments: departure, trackers, delays, capacity and replacement."""

from __future__ import annotations

import pytest

from adapters.simulator import SimFrame, Simulator
from supplysync.commands import SupplyOrder
from supplysync.network import Network
from supplysync.plan import PurchaseOrder
from supplysync.readings import LocationReading, RfidScan, TemperatureReading
from supplysync.scenario import SupplierDelay
from tests.adapters.simulator.builders import DUISBURG, KREFELD, at, command, scenario


def po(
    po_id: str, quantity: float, *, product: str = "GEAR", order: int = 0, arrival: int = 1
) -> PurchaseOrder:
    return PurchaseOrder(
        po_id=po_id,
        supplier_id="S",
        product_id=product,
        destination_id="W",
        quantity=quantity,
        order_period=order,
        arrival_period=arrival,
        unit_price=5,
    )


def fixes(frame: SimFrame, po_id: str) -> list[LocationReading]:
    return [r for r in frame.readings if isinstance(r, LocationReading) and r.shipment_id == po_id]


def test_a_shipment_travels_its_lead_time_and_is_scanned_in(supply_network: Network) -> None:
    sim = Simulator(scenario(supply_network))
    sim.execute([command("S", SupplyOrder(orders=[po("po-1", 80)]))])
    frame = sim.advance(at(48))

    track = fixes(frame, "po-1")
    assert {r.device_id for r in track} == {"S-trk-po-1"}
    assert {r.asset_id for r in track} == {"S"}
    assert track[0].ts == at(0) and track[0].lat == pytest.approx(KREFELD.lat)
    assert [r.ts for r in track] == [at(h) for h in range(33)]  # hourly, 08:00 on day 1
    assert all(r.speed_kmh > 0 for r in track[:-1])
    assert track[-1].speed_kmh == 0 and track[-1].lat == pytest.approx(DUISBURG.lat)
    (scan,) = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert (scan.lot_id, scan.units, scan.direction, scan.ts) == ("po-1", 80, "in", at(32))
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 80


def test_supplier_delay_holds_the_tracker_still_for_the_delay(supply_network: Network) -> None:
    delay = SupplierDelay(supplier_id="S", start_day=0, delay_days=1)
    sim = Simulator(scenario(supply_network, [delay], days=3))
    sim.execute([command("S", SupplyOrder(orders=[po("po-1", 80)]))])
    frame = sim.advance(at(72))

    track = fixes(frame, "po-1")
    held = [r for r in track[:-1] if r.speed_kmh == 0]
    # Half way (16 h into a 32 h trip) it stands still for 24 h.
    assert held[0].ts == at(16)
    assert (held[-1].ts - held[0].ts).total_seconds() / 3600 == pytest.approx(23)
    assert len({(r.lat, r.lon) for r in held}) == 1
    assert track[-1].ts == at(56) and track[-1].speed_kmh == 0
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 80


def test_a_delay_spares_shipments_sent_before_it_starts(supply_network: Network) -> None:
    delay = SupplierDelay(supplier_id="S", start_day=1, delay_days=2)
    sim = Simulator(scenario(supply_network, [delay]))
    sim.execute([command("S", SupplyOrder(orders=[po("po-1", 80)]))])
    frame = sim.advance(at(48))
    assert fixes(frame, "po-1")[-1].ts == at(32)


def test_cold_product_trackers_report_reefer_temperature(supply_network: Network) -> None:
    sim = Simulator(scenario(supply_network))
    sim.execute([command("S", SupplyOrder(orders=[po("po-c", 20, product="SERUM")]))])
    frame = sim.advance(at(48))
    temps = [r for r in frame.readings if isinstance(r, TemperatureReading) and r.shipment_id]
    assert len(temps) == len(fixes(frame, "po-c"))
    assert all(r.shipment_id == "po-c" and 2 < r.celsius < 6 for r in temps)
    assert {r.device_id for r in temps} == {"S-trk-po-c"}


def test_a_supplier_ships_no_more_than_its_daily_capacity(supply_network: Network) -> None:
    sim = Simulator(scenario(supply_network))
    sim.execute([command("S", SupplyOrder(orders=[po("po-1", 70), po("po-2", 70)]))])
    sim.advance(at(48))
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 100
    assert any("over capacity" in note for note in sim.ground_truth()["notes"])


def test_a_new_order_replaces_unshipped_pos_but_never_recalls_shipped_ones(
    supply_network: Network,
) -> None:
    sim = Simulator(scenario(supply_network, days=3))
    sim.execute(
        [command("S", SupplyOrder(orders=[po("po-1", 30), po("po-2", 40, order=1, arrival=2)]))]
    )
    sim.advance(at(6))
    sim.execute(
        [command("S", SupplyOrder(orders=[po("po-3", 5, order=0, arrival=1)]), start=at(24))]
    )
    sim.advance(at(72))
    # po-1 was on the road; po-2 was replaced by po-3 (shipped day 1, arriving day 2).
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 35


def test_an_order_that_allows_for_the_delay_is_not_held_again(supply_network: Network) -> None:
    """A late supplier delivers a day late on its own one-day terms, whatever the promise.

    A buyer who has learned of the delay orders for day 2; the goods are due
    then and come then (08:00, day 2), not a further day late.
    """
    delay = SupplierDelay(supplier_id="S", start_day=0, delay_days=1)
    sim = Simulator(scenario(supply_network, [delay], days=4))
    sim.execute([command("S", SupplyOrder(orders=[po("po-1", 80, arrival=2)]))])
    frame = sim.advance(at(96))
    track = fixes(frame, "po-1")
    assert track[-1].ts == at(56) and track[-1].speed_kmh == 0
    assert all(r.speed_kmh > 0 for r in track[:-1])
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 80
