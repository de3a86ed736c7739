"""The simulator as a whole: API contract, determinism, sequences and KPIs."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest

from adapters.simulator import SimFrame, Simulator
from adapters.simulator.geo import road_km
from supplysync.commands import Command, ProduceOrder, RouteOrder, SupplyOrder
from supplysync.kpi import Kpis
from supplysync.network import Network
from supplysync.offers import ProductionRun
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.plan import PurchaseOrder, Route, Stop
from supplysync.readings import READING_ADAPTER, RfidScan
from supplysync.scenario import InboundSurge, Scenario
from tests.adapters.simulator.builders import DUISBURG, ESSEN, at, command, scenario


def _demo_commands(start: datetime) -> list[Command]:
    """A few commands touching every model of the demo network."""
    run = ProductionRun(machine_id="M-DUI-1", product_id="PUMP", period=0, quantity=40, hours=0)
    po = PurchaseOrder(
        po_id="po-cold-1",
        supplier_id="S-COLD",
        product_id="REAGENT",
        destination_id="W-CGN",
        quantity=60,
        order_period=0,
        arrival_period=1,
        unit_price=70,
    )
    route = Route(
        vehicle_id="V-CGN-1",
        period=0,
        depot_id="W-CGN",
        stops=[
            Stop(site_id="C-BONN", arrive_h=1, depart_h=1.25, drop={"REAGENT": 12, "VALVE": 10}),
            Stop(site_id="C-LEVERKUSEN", arrive_h=2, depart_h=2.25, drop={"PUMP": 12}),
        ],
        method="test",
    )
    return [
        command("M-DUI-1", ProduceOrder(runs=[run]), start=start),
        command("S-COLD", SupplyOrder(orders=[po]), start=start),
        command("V-CGN-1", RouteOrder(routes=[route]), start=start),
    ]


def _run_demo(scenario_: Scenario, seed: int | None = None) -> tuple[list[SimFrame], Kpis]:
    sim = Simulator(scenario_, seed=seed)
    start = sim.now
    sim.execute(_demo_commands(start))
    frames = [sim.advance(start + timedelta(hours=h)) for h in (5, 13, 30)]
    return frames, sim.kpis()


def _dump(
    frames: list[SimFrame],
) -> list[tuple[list[dict[str, Any]], list[CustomerOrder], list[ProofOfDelivery]]]:
    return [([r.model_dump() for r in f.readings], f.orders, f.deliveries) for f in frames]


def test_same_scenario_seed_and_commands_give_identical_output(demo_scenario: Scenario) -> None:
    frames_a, kpis_a = _run_demo(demo_scenario)
    frames_b, kpis_b = _run_demo(demo_scenario)
    assert _dump(frames_a) == _dump(frames_b)
    assert kpis_a == kpis_b
    assert sum(len(f.deliveries) for f in frames_a) >= 3


def test_another_seed_gives_other_readings(demo_scenario: Scenario) -> None:
    frames_a, _ = _run_demo(demo_scenario)
    frames_b, _ = _run_demo(demo_scenario, seed=demo_scenario.simulation.seed + 1)
    assert _dump(frames_a) != _dump(frames_b)


def test_seq_counts_from_zero_by_one_per_device_across_frames(demo_scenario: Scenario) -> None:
    frames, _ = _run_demo(demo_scenario)
    seqs: dict[str, list[int]] = defaultdict(list)
    last_ts: dict[str, datetime] = {}
    for frame in frames:
        for r in frame.readings:
            seqs[r.device_id].append(r.seq)
            assert r.ts >= last_ts.get(r.device_id, r.ts)
            last_ts[r.device_id] = r.ts
    assert all(s == list(range(len(s))) for s in seqs.values())


def test_readings_round_trip_through_the_wire_schema(demo_scenario: Scenario) -> None:
    frames, _ = _run_demo(demo_scenario)
    readings = [r for f in frames for r in f.readings]
    assert any(isinstance(r, RfidScan) and ":" in r.lot_id for r in readings)
    for reading in readings:
        assert READING_ADAPTER.validate_json(reading.model_dump_json()) == reading


def test_a_week_of_the_demo_emits_every_documented_device(demo_scenario: Scenario) -> None:
    sim = Simulator(demo_scenario)
    frame = sim.advance(sim.end)
    assert sim.now == sim.end == demo_scenario.end
    kinds: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for r in frame.readings:
        kinds[r.device_id].add(r.kind)
        counts[r.device_id] += 1
    steps = 7 * 24 * 4
    net = demo_scenario.network
    for m in net.machines:
        assert kinds[f"{m.id}-vib"] == {"vibration"}
        assert kinds[f"{m.id}-temp"] == {"temperature"}
        assert kinds[f"{m.id}-press"] == {"pressure"}
        assert kinds[f"{m.id}-plc"] == {"runtime"}  # no work, so no output
        assert counts[f"{m.id}-vib"] == steps
    for w in net.warehouses:
        assert kinds[f"{w.id}-env"] == {"temperature", "humidity"}
        assert counts[f"{w.id}-shelf"] == 7 * 24 * len(net.products)
    for v in net.vehicles:
        assert counts[f"{v.id}-gps"] == counts[f"{v.id}-cargo"] == steps
        assert kinds[f"{v.id}-can"] == {"fuel"}  # parked: no harsh driving
    # With no deliveries the surge meets the initial stock: only the free space is taken.
    ehv = net.warehouse("W-EHV")
    free = ehv.capacity_units - sum(ehv.initial_stock.values())
    (surge,) = [r for r in frame.readings if isinstance(r, RfidScan)]
    assert (surge.site_id, surge.product_id, surge.units, surge.lot_id) == (
        "W-EHV",
        "BOLT",
        free,
        "surge:0",
    )
    per_day = sum(len(c.demand_per_day) for c in net.customers)
    assert len(frame.orders) == per_day * (7 + demo_scenario.simulation.order_lead_days)
    json.dumps(sim.ground_truth())


def test_kpis_of_a_tiny_run_match_the_hand_computation(kpi_network: Network) -> None:
    surge = InboundSurge(warehouse_id="W", product_id="GEAR", day=0, quantity=20)
    sim = Simulator(scenario(kpi_network, [surge], days=1, order_lead_days=0))
    stop = Stop(site_id="C", arrive_h=1, depart_h=1.25, drop={"GEAR": 6})
    route = Route(vehicle_id="VAN", period=0, depot_id="W", stops=[stop], method="test")
    sim.execute([command("VAN", RouteOrder(routes=[route]))])
    sim.advance(sim.end)
    kpis = sim.kpis()

    # 10 ordered; 6 delivered at 08:00 on the due day, in the window.
    assert (kpis.ordered_units, kpis.delivered_units) == (10, 6)
    assert (kpis.fill_rate, kpis.on_time_rate) == (0.6, 1.0)
    # Surge at 10:00 finds 105 - 94 = 11 units free: 9 refused.
    assert kpis.refused_units == 9
    # Stock at the end of each 15-minute step: 100 for 28 steps (to 07:00),
    # 94 for 12 (to 10:00), 105 for 56; each step costs stock x 0.1 / 96.
    assert kpis.inventory_carrying_cost == pytest.approx((28 * 100 + 12 * 94 + 56 * 105) * 0.1 / 96)
    leg = road_km((DUISBURG.lat, DUISBURG.lon), (ESSEN.lat, ESSEN.lon))
    assert kpis.distance_km == pytest.approx(2 * leg)
    assert (kpis.cold_chain_breaches, kpis.spoiled_units, kpis.unplanned_downtime_hours) == (
        0,
        0,
        0,
    )
    assert kpis.replans == 0


def test_advance_steps_whole_steps_and_never_back(kpi_network: Network) -> None:
    sim = Simulator(scenario(kpi_network, days=1))
    assert sim.advance(at(0.6)).readings
    assert sim.now == at(0.5)
    with pytest.raises(ValueError, match="cannot advance"):
        sim.advance(at(0.25))
    sim.advance(at(100))
    assert sim.now == sim.end == at(24)
    assert sim.advance(at(200)).readings == []


def test_a_world_begun_mid_day_steps_on_the_days_grid_from_there(kpi_network: Network) -> None:
    sim = Simulator(scenario(kpi_network, days=2), begin=at(14.62))
    assert sim.now == at(14.62)
    first = sim.advance(at(14.7))
    assert first.readings == []
    # the orders placed at the start are the first day's, due at its midnight and the next
    assert {o.due for o in first.orders} == {at(0), at(24)}
    frame = sim.advance(at(15.1))
    assert sim.now == at(15)
    assert frame.readings and all(at(14.62) < r.ts <= at(15) for r in frame.readings)


@pytest.mark.parametrize("begin", [at(-0.25), at(24)])
def test_a_world_begins_within_its_first_day(kpi_network: Network, begin: datetime) -> None:
    with pytest.raises(ValueError, match="begins within its first day"):
        Simulator(scenario(kpi_network, days=2), begin=begin)


def test_a_command_for_an_unknown_asset_is_an_error(kpi_network: Network) -> None:
    sim = Simulator(scenario(kpi_network))
    with pytest.raises(ValueError, match="no route asset 'GHOST'"):
        sim.execute([command("GHOST", RouteOrder(routes=[]))])
