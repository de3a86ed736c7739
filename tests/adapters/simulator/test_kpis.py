"""The money figure measured on tiny worlds whose costs can be worked out by hand.

Each test runs one model of the simulator on a fixture of `conftest.py` and
checks the cost components that model drives, by value; `total_cost` is
always the sum of all twelve.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from adapters.simulator import Simulator
from adapters.simulator.geo import road_km
from supplysync.commands import ProduceOrder, RouteOrder, SupplyOrder, TransferOrder
from supplysync.costs import COMPONENTS, CostRates
from supplysync.kpi import Kpis
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import PurchaseOrder, Route, Stop, Transfer
from supplysync.scenario import InboundSurge
from tests.adapters.simulator.builders import DUISBURG, ESSEN, at, command, scenario

LEG_KM = road_km((DUISBURG.lat, DUISBURG.lon), (ESSEN.lat, ESSEN.lon))


def costs(kpis: Kpis) -> dict[str, float]:
    """The components that are not zero, and check that the total adds them up."""
    parts = {name: getattr(kpis, name) for name in COMPONENTS}
    assert kpis.total_cost == pytest.approx(sum(parts.values()))
    return {name: value for name, value in parts.items() if value != 0}


def route(vehicle: str, stops: dict[str, dict[str, float]]) -> RouteOrder:
    return RouteOrder(
        routes=[
            Route(
                vehicle_id=vehicle,
                period=0,
                depot_id="W",
                stops=[Stop(site_id=s, arrive_h=0, depart_h=0, drop=d) for s, d in stops.items()],
                method="test",
            )
        ]
    )


def with_vehicle_costs(network: Network, **cost_per_km: float) -> Network:
    vehicles = [
        v.model_copy(update={"cost_per_km": cost_per_km[v.id]}) if v.id in cost_per_km else v
        for v in network.vehicles
    ]
    return network.model_copy(update={"vehicles": vehicles})


def test_an_idle_world_costs_only_its_holding(two_warehouses: Network) -> None:
    sim = Simulator(scenario(two_warehouses, days=1))
    sim.advance(sim.end)
    # 580 GEAR at 0.1 a unit-day for one day; nothing bought, made or moved.
    assert costs(sim.kpis()) == {"holding_cost": pytest.approx(58)}


def test_vehicle_km_are_priced_at_each_vehicles_own_rate(delivery_network: Network) -> None:
    network = with_vehicle_costs(delivery_network, VAN=2.5, REEFER=4.0)
    sim = Simulator(scenario(network, days=1, order_lead_days=0))
    sim.execute(
        [
            command("VAN", route("VAN", {"C": {"GEAR": 10}})),
            command("REEFER", route("REEFER", {"FAR": {"SERUM": 5}})),
        ]
    )
    sim.advance(sim.end)
    kpis = sim.kpis()
    # Both drive Duisburg - Essen and back.
    assert kpis.distance_km == pytest.approx(4 * LEG_KM)
    assert kpis.transport_cost == pytest.approx(2 * LEG_KM * 2.5 + 2 * LEG_KM * 4.0)


def test_one_purchase_is_paid_when_shipped_and_kept_as_stock_in_transit(
    supply_network: Network,
) -> None:
    po = PurchaseOrder(
        po_id="po-1",
        supplier_id="S",
        product_id="GEAR",
        destination_id="W",
        quantity=80,
        order_period=0,
        arrival_period=1,
        unit_price=5,
    )
    sim = Simulator(scenario(supply_network, days=1))
    sim.execute([command("S", SupplyOrder(orders=[po]))])
    sim.advance(sim.end)  # it arrives at 08:00 on day 1, after the run
    assert sim.ground_truth()["shipments"][0]["units"] == 80
    # 80 at the quote of 5; the 80 on the road are stock the run leaves
    # behind, worth their replacement cost (the same quote): bought and kept
    # costs nothing but holding, and nothing is held yet.
    assert costs(sim.kpis()) == {"purchase_cost": 400, "inventory_change": -400}


def test_a_supplier_over_capacity_charges_only_what_it_ships(supply_network: Network) -> None:
    po = PurchaseOrder(
        po_id="po-1",
        supplier_id="S",
        product_id="GEAR",
        destination_id="W",
        quantity=150,
        order_period=0,
        arrival_period=1,
        unit_price=5,
    )
    sim = Simulator(scenario(supply_network, days=1))
    sim.execute([command("S", SupplyOrder(orders=[po]))])
    sim.advance(sim.end)
    assert sim.kpis().purchase_cost == 100 * 5  # capacity 100 a day


def produce(
    *runs: tuple[str, float], maintenance: tuple[int, ...] = (), period: int = 0
) -> ProduceOrder:
    return ProduceOrder(
        runs=[
            ProductionRun(machine_id="M", product_id=p, period=period, quantity=q, hours=0)
            for p, q in runs
        ],
        maintenance=[MaintenanceWindow(machine_id="M", period=p, hours=4) for p in maintenance],
    )


def test_production_pays_run_hours_and_setups(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network(), days=1))
    sim.execute([command("M", produce(("GEAR", 20), ("COG", 10)))])
    sim.advance(sim.end)
    # GEAR 2 h at 10/h, COG 2 h at 5/h: 4 run hours at 40; two setups at 60.
    # The output stays: 20 GEAR at 40/10 = 4 and 10 COG at 40/5 = 8 come back.
    kpis = sim.kpis()
    assert costs(kpis) == {
        "production_cost": pytest.approx(160),
        "setup_cost": 120,
        "holding_cost": pytest.approx(kpis.inventory_carrying_cost),
        "inventory_change": pytest.approx(-(20 * 4 + 10 * 8)),
    }


def test_a_machine_without_setup_time_pays_no_setup(
    plant_network: Callable[..., Network],
) -> None:
    sim = Simulator(scenario(plant_network(setup_hours=0), days=1))
    sim.execute([command("M", produce(("GEAR", 20), ("COG", 10)))])
    sim.advance(sim.end)
    assert sim.kpis().setup_cost == 0
    assert sim.kpis().production_cost == pytest.approx(160)


def test_planned_maintenance_is_paid_by_the_hour(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network(), days=1))
    sim.execute([command("M", produce(maintenance=(0,)))])
    sim.advance(sim.end)
    assert costs(sim.kpis()) == {"maintenance_cost": pytest.approx(4 * 40)}


def test_a_breakdown_is_paid_by_the_hour_down(plant_network: Callable[..., Network]) -> None:
    sim = Simulator(scenario(plant_network(initial_health=0.04), days=1))
    sim.execute([command("M", produce(("GEAR", 50)))])
    sim.advance(sim.end)
    kpis = sim.kpis()
    # Setup 06:00-07:00, 4 h of GEAR until health runs out at 11:00, down
    # 10 h, then the last 10 GEAR in one hour: 5 run hours, one setup.
    assert kpis.unplanned_downtime_hours == pytest.approx(10)
    assert kpis.downtime_cost == pytest.approx(10 * 250)
    assert kpis.production_cost == pytest.approx(200)
    assert kpis.setup_cost == 60


def test_the_scenario_rates_price_the_run(plant_network: Callable[..., Network]) -> None:
    base = scenario(plant_network(initial_health=0.04), days=1)
    rates = CostRates(production_per_hour=10, setup=5, downtime_per_hour=1000)
    sim = Simulator(base.model_copy(update={"costs": rates}))
    sim.execute([command("M", produce(("GEAR", 50)))])
    sim.advance(sim.end)
    kpis = sim.kpis()
    assert kpis.production_cost == pytest.approx(50)
    assert kpis.setup_cost == 5
    assert kpis.downtime_cost == pytest.approx(10_000)
    # replacement GEAR is now 10/10 = 1 a unit
    assert kpis.inventory_change == pytest.approx(-50)


def test_unfilled_and_late_orders_pay_their_penalties(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network, days=1, order_lead_days=0))
    sim.execute([command("VAN", route("VAN", {"LATE": {"GEAR": 10}, "C": {"GEAR": 4}}))])
    sim.advance(sim.end)
    kpis = sim.kpis()
    # Ordered for day 0: 10 GEAR and 5 SERUM at each of C, LATE and FAR.
    # LATE's 10 GEAR come after its 06:00-07:00 window: accepted, not on
    # time; C's 4 come in its window. Short: 16 GEAR at 50, 15 SERUM at 250.
    assert (kpis.ordered_units, kpis.delivered_units) == (45, 14)
    assert kpis.shortage_cost == pytest.approx(16 * 50 + 15 * 250)
    assert kpis.lateness_cost == pytest.approx(10 * 0.2 * 50)
    # 14 GEAR left the network; GEAR has no quote or machine: its unit value.
    assert kpis.inventory_change == pytest.approx(14 * 10)


def test_a_refused_receipt_is_lost_at_its_unit_value(two_warehouses: Network) -> None:
    surge = InboundSurge(warehouse_id="A", product_id="GEAR", day=0, quantity=50)
    sim = Simulator(scenario(two_warehouses, [surge], days=1))
    sim.advance(sim.end)
    kpis = sim.kpis()
    # A holds 80 of 100: 20 taken in, 30 refused at GEAR's unit value 10.
    assert kpis.refused_units == 30
    assert kpis.refused_cost == 300
    # The 20 kept are stock the network did not have: replacement 40/10 = 4.
    assert kpis.inventory_change == pytest.approx(-20 * 4)


def test_spoiled_goods_are_written_off_at_unit_value(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network, days=1, order_lead_days=0))
    sim.execute([command("VAN", route("VAN", {"FAR": {"SERUM": 5}}))])
    sim.advance(sim.end)
    kpis = sim.kpis()
    assert kpis.spoiled_units == 5
    assert kpis.spoilage_cost == 5 * 90
    # The network also owns 5 SERUM fewer (no quote, no machine: unit value).
    assert kpis.inventory_change == pytest.approx(5 * 90)


def test_transfers_pay_handling_and_line_haul_per_unit_km(two_warehouses: Network) -> None:
    moved = Transfer(
        transfer_id="t-1",
        origin_id="B",
        destination_id="A",
        product_id="GEAR",
        quantity=15,
        ship_period=0,
        arrival_period=1,
    )
    sim = Simulator(scenario(two_warehouses, days=1))
    body = TransferOrder(transfers=[moved])
    sim.execute([command("B", body), command("A", body)])
    sim.advance(sim.end)  # still on the road at the end: stock all the same
    assert costs(sim.kpis()) == {
        "transport_cost": pytest.approx(15 * (0.5 + 0.01 * LEG_KM)),
        "holding_cost": pytest.approx(sim.kpis().inventory_carrying_cost),
    }


def test_goods_on_a_vehicle_are_still_stock(delivery_network: Network) -> None:
    sim = Simulator(scenario(delivery_network, days=1))
    sim.execute([command("VAN", route("VAN", {"C": {"GEAR": 10}}))])
    sim.advance(at(7.5))  # loaded at 07:00, not yet delivered
    assert sim.ground_truth()["stock"]["W"]["GEAR"] == 190
    assert sim.kpis().inventory_change == 0
    sim.advance(sim.end)
    assert sim.kpis().inventory_change == pytest.approx(10 * 10)


def test_the_hand_computed_run_of_the_engine_tests_adds_up(kpi_network: Network) -> None:
    surge = InboundSurge(warehouse_id="W", product_id="GEAR", day=0, quantity=20)
    sim = Simulator(scenario(kpi_network, [surge], days=1, order_lead_days=0))
    stop = Stop(site_id="C", arrive_h=1, depart_h=1.25, drop={"GEAR": 6})
    sim.execute(
        [
            command(
                "VAN",
                RouteOrder(
                    routes=[
                        Route(vehicle_id="VAN", period=0, depot_id="W", stops=[stop], method="t")
                    ]
                ),
            )
        ]
    )
    sim.advance(sim.end)
    kpis = sim.kpis()
    holding = (28 * 100 + 12 * 94 + 56 * 105) * 0.1 / 96
    # 4 of 10 short; 9 of the surge refused; 2 legs at 1/km; stock 100 -> 105
    # at GEAR's unit value (nothing buys or makes it).
    assert costs(kpis) == {
        "holding_cost": pytest.approx(holding),
        "transport_cost": pytest.approx(2 * LEG_KM * 1.0),
        "shortage_cost": pytest.approx(4 * 50),
        "refused_cost": pytest.approx(9 * 10),
        "inventory_change": pytest.approx(-5 * 10),
    }
