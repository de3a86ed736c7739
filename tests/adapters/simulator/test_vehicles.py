"""Vehicles: routes, proofs of delivery, windows, traffic and the cold chain."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from adapters.simulator import SimFrame, Simulator
from adapters.simulator.geo import road_km
from supplysync.commands import RouteOrder
from supplysync.network import Network
from supplysync.plan import Route, Stop
from supplysync.readings import DoorReading, LocationReading, RfidScan, TemperatureReading
from supplysync.scenario import ReeferFailure, TrafficDelay
from tests.adapters.simulator.builders import DUISBURG, ESSEN, at, command, scenario

LEG_KM = road_km((DUISBURG.lat, DUISBURG.lon), (ESSEN.lat, ESSEN.lon))
LEG_H = LEG_KM / 60.0  # both vehicles drive at 60 km/h


def route(vehicle: str, stops: dict[str, dict[str, float]], period: int = 0) -> RouteOrder:
    return RouteOrder(
        routes=[
            Route(
                vehicle_id=vehicle,
                period=period,
                depot_id="W",
                stops=[
                    Stop(site_id=site, arrive_h=0, depart_h=0, drop=drop)
                    for site, drop in stops.items()
                ],
                method="test",
            )
        ]
    )


def test_a_route_delivers_and_the_proof_matches(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    frame = sim.advance(at(24))

    # Leaves at 07:00, arrives before the 08:00 window, waits, is served at 08:00.
    assert len(frame.deliveries) == 1
    pod = frame.deliveries[0]
    assert pod.order_id == "ord-C-GEAR-d0"
    assert (pod.customer_id, pod.product_id, pod.vehicle_id) == ("C", "GEAR", "VAN")
    assert pod.quantity == 10 and pod.accepted and pod.on_time
    assert pod.ts == at(8)
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(190)
    kpis = sim.kpis()
    assert kpis.delivered_units == 10
    assert kpis.distance_km == pytest.approx(2 * LEG_KM)

    scans = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert [(s.direction, s.units, s.lot_id) for s in scans] == [("out", 10, "route:VAN:0")]
    assert scans[0].ts == at(7)
    doors = [(r.ts, r.open) for r in frame.readings if isinstance(r, DoorReading)]
    assert doors == [(at(8), True), (at(8.25), False)]
    gps = [r for r in frame.readings if isinstance(r, LocationReading)]
    assert max(r.speed_kmh for r in gps) == pytest.approx(60)
    assert gps[-1].lat == pytest.approx(DUISBURG.lat) and gps[-1].speed_kmh == 0
    assert sim.ground_truth()["vehicles"]["VAN"]["at_depot"]


def test_a_late_arrival_is_accepted_but_not_on_time(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"LATE": {"GEAR": 10}}))])
    frame = sim.advance(at(24))
    (pod,) = frame.deliveries
    assert pod.accepted and not pod.on_time
    assert_at(pod.ts, 7 + LEG_H)
    assert sim.kpis().on_time_rate == 0


def assert_at(ts: datetime, hours: float) -> None:
    """`ts` is `at(hours)`, to the microsecond the simulator rounds to."""
    assert abs((ts - at(hours)).total_seconds()) < 1e-3


def test_excess_goods_return_to_the_depot(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 50}}))])
    frame = sim.advance(at(24))
    # The customer has 10 due today and 10 tomorrow open; 30 come back.
    assert sum(p.quantity for p in frame.deliveries) == 20
    assert [p.on_time for p in frame.deliveries] == [True, False]
    scans = [(r.direction, r.units) for r in frame.readings if isinstance(r, RfidScan)]
    assert scans == [("out", 50), ("in", 30)]
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == pytest.approx(180)


def test_short_stock_loads_what_is_there_and_cuts_drops_in_order(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"C": {"SERUM": 40}, "LATE": {"SERUM": 40}}))])
    frame = sim.advance(at(6))
    assert sim.ground_truth()["stock"]["W"]["SERUM"] == 50
    frame = sim.advance(at(7.25))
    scans = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert [(s.direction, s.units) for s in scans] == [("out", 50)]
    assert sim.ground_truth()["stock"]["W"]["SERUM"] == 0


def test_traffic_in_the_destination_region_slows_the_leg(delivery_network: Network) -> None:
    jam = TrafficDelay(region="east", start_day=0, start_hour=7, duration_hours=3, speed_factor=0.5)
    sim = Simulator(scenario(delivery_network, [jam]))
    sim.execute([command("VAN", route("VAN", {"LATE": {"GEAR": 10}}))])
    frame = sim.advance(at(24))
    (pod,) = frame.deliveries
    assert_at(pod.ts, 7 + 2 * LEG_H)
    assert sim.kpis().distance_km == pytest.approx(2 * LEG_KM)


def test_a_route_whose_day_is_over_is_dropped(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.advance(at(16.5))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    frame = sim.advance(at(24))
    assert frame.deliveries == []
    assert any("too late" in note for note in sim.ground_truth()["notes"])


def test_the_last_departure_hour_is_the_planning_setting(delivery_network: Network) -> None:
    """The hour after which a day's route is dropped is the one the planner plans with."""
    base = scenario(delivery_network)
    late = base.model_copy(
        update={"planning": base.planning.model_copy(update={"last_departure_hour": 17.0})}
    )
    sim = Simulator(late)
    sim.advance(at(16.5))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    (pod,) = sim.advance(at(24)).deliveries
    assert_at(pod.ts, 16.5 + LEG_H)


def test_a_departure_later_than_the_default_last_one_still_leaves(
    delivery_network: Network,
) -> None:
    """Unset, the last departure is 16:00 or the scenario's `departure_hour` if later."""
    base = scenario(delivery_network)
    evening = base.model_copy(
        update={"planning": base.planning.model_copy(update={"departure_hour": 18.0})}
    )
    sim = Simulator(evening)
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    (pod,) = sim.advance(at(24)).deliveries
    assert_at(pod.ts, 18 + LEG_H)


def test_a_route_sent_after_departure_time_leaves_at_once(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.advance(at(9))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    frame = sim.advance(at(24))
    (pod,) = frame.deliveries
    assert_at(pod.ts, 9 + LEG_H)
    assert pod.on_time


def _cargo(frame: SimFrame, vehicle: str) -> list[TemperatureReading]:
    return [
        r for r in frame.readings if isinstance(r, TemperatureReading) and r.asset_id == vehicle
    ]


def test_a_working_reefer_keeps_the_cold_product_good(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("REEFER", route("REEFER", {"FAR": {"SERUM": 5}}))])
    frame = sim.advance(at(24))
    (pod,) = frame.deliveries
    assert pod.accepted and pod.on_time
    assert max(r.celsius for r in _cargo(frame, "REEFER")) < 8
    assert sim.kpis().cold_chain_breaches == 0


def test_reefer_failure_warms_the_box_and_spoils_the_cold_product(
    delivery_network: Network,
) -> None:
    failure = ReeferFailure(vehicle_id="REEFER", start_day=0, start_hour=7, duration_hours=10)
    sim = Simulator(scenario(delivery_network, [failure]))
    sim.execute([command("REEFER", route("REEFER", {"FAR": {"SERUM": 5, "GEAR": 10}}))])
    frame = sim.advance(at(24))

    cargo = _cargo(frame, "REEFER")
    before = [r.celsius for r in cargo if r.ts <= at(7)]
    assert max(before) < 6
    # Relaxing toward 16 °C with a 1 h time constant: 8 °C after ln(1.5) h.
    assert 8.5 < next(r.celsius for r in cargo if r.ts == at(8)) < 13
    assert max(r.celsius for r in cargo) > 14

    # The serum is out of range from 07:24; past 1 h more it is spoiled, so
    # at the 10:00 window it is refused while the gears are accepted.
    by_product = {p.product_id: p for p in frame.deliveries}
    assert not by_product["SERUM"].accepted
    assert by_product["GEAR"].accepted
    kpis = sim.kpis()
    assert kpis.cold_chain_breaches == 1
    assert kpis.spoiled_units == 5
    (note,) = [n for n in sim.ground_truth()["notes"] if "spoiled" in n]
    spoiled_at = datetime.fromisoformat(note.split()[0])
    assert abs((spoiled_at - at(7 + math.log(1.5) + 1.0)).total_seconds()) <= 15 * 60
    assert sim.ground_truth()["orders"]["open_units"] >= 5  # refused goods leave it open


def test_a_cold_product_on_a_van_without_cooling_spoils(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"FAR": {"SERUM": 5}}))])
    frame = sim.advance(at(24))
    (pod,) = frame.deliveries
    assert not pod.accepted
    assert min(r.celsius for r in _cargo(frame, "VAN")) > 14
    kpis = sim.kpis()
    assert (kpis.cold_chain_breaches, kpis.spoiled_units) == (1, 5)
    assert sim.ground_truth()["stock"]["W"]["SERUM"] == 45  # spoiled goods do not come back


def test_fuel_falls_with_distance_and_is_refilled_at_the_depot(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network))
    sim.execute([command("VAN", route("VAN", {"LATE": {"GEAR": 10}}))])
    start_fuel = sim.ground_truth()["vehicles"]["VAN"]["fuel_pct"]
    sim.advance(at(7.5))
    assert sim.ground_truth()["vehicles"]["VAN"]["fuel_pct"] < start_fuel
    sim.advance(at(24))
    assert sim.ground_truth()["vehicles"]["VAN"]["fuel_pct"] == 100
