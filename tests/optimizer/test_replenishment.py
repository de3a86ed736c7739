"""Replenishment builder: purchases, transfers, warehouse space and feasibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from optimizer.costs import CostModel
from optimizer.milp import plan_milp
from supplysync.network import (
    Customer,
    Location,
    Machine,
    Network,
    Plant,
    Vehicle,
    Warehouse,
)
from supplysync.offers import Inbound
from supplysync.plan import PlanStatus
from tests.optimizer.conftest import (
    HOME,
    NEAR,
    SETTINGS,
    START,
    line,
    line_network,
    machine_offer,
    product,
    quote,
    snapshot_of,
    supplier,
)


def test_a_faster_supplier_beats_a_cheaper_slow_one_when_stock_is_short() -> None:
    # No stock, no machine. FAST (1 day, 12/unit) and SLOW (2 days, 8/unit);
    # goods leave the day after they land. Only FAST lands in time for the
    # order due on day 2; SLOW is cheaper for the one due on day 3.
    net = line_network(
        machines=[],
        suppliers=[
            supplier("FAST", quote("P", 1000, 1, 12.0)),
            supplier("SLOW", quote("P", 1000, 2, 8.0)),
        ],
    )
    plan = plan_milp(
        snapshot_of(net, 4, demand=[line(50.0, 2), line(40.0, 3)]), SETTINGS, plan_id="t"
    )
    assert plan.shortages == []
    by_arrival = {(p.supplier_id, p.arrival_period): p.quantity for p in plan.purchases}
    assert by_arrival == {("FAST", 1): pytest.approx(50.0), ("SLOW", 2): pytest.approx(40.0)}
    assert all(p.order_period == 0 for p in plan.purchases)


def test_a_quote_limit_binds_and_is_named() -> None:
    net = line_network(machines=[], suppliers=[supplier("S", quote("P", 30, 0, 5.0))])
    # Bought on day 0 (30 at most), delivered on day 1; day 1's own purchase lands too late.
    plan = plan_milp(snapshot_of(net, 2, demand=[line(50.0, 1)]), SETTINGS, plan_id="t")
    [short] = plan.shortages
    assert short.quantity == pytest.approx(20.0)
    assert short.binding == ["S"]
    assert short.reason == "supplier quote limit"


def test_forecast_shortages_cost_a_share_of_the_penalty() -> None:
    """A forecast line short costs `forecast_weight` of the penalty: firm orders come first."""
    net = line_network(machines=[])
    plan = plan_milp(snapshot_of(net, 1, demand=[line(10.0, firm=False)]), SETTINGS, plan_id="t")
    [short] = plan.shortages
    assert short.penalty == pytest.approx(10.0 * 100.0 * CostModel().forecast_weight)
    assert CostModel().forecast_weight < 1
    assert "lead times" in short.reason


def test_warehouse_space_limits_building_ahead() -> None:
    # 80 units a day can be made; 240 are due on day 2 and leave in the
    # morning, from what W held overnight: 100 at most, so 140 are short.
    net = line_network(capacity_units=100.0)
    m = net.machines[0]
    snap = snapshot_of(
        net, 3, machines=[machine_offer(m, 3, capacity_hours=[8.0] * 3)], demand=[line(240.0, 2)]
    )
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    [short] = plan.shortages
    assert short.quantity == pytest.approx(140.0)
    assert "W" in short.binding
    assert "warehouse capacity" in short.reason


def test_stock_above_capacity_still_gives_a_plan() -> None:
    net = line_network(machines=[], capacity_units=100.0, stock={"P": 500.0})
    plan = plan_milp(snapshot_of(net, 2, demand=[line(10.0)]), SETTINGS, plan_id="t")
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.shortages == []


def test_stock_is_transferred_to_the_warehouse_with_the_vehicle() -> None:
    # W2 holds stock but has no vehicle; W has the vehicle and none of the stock.
    far = Location(lat=51.3, lon=7.4)
    net = Network(
        products=[product()],
        plants=[Plant(id="PL", name="pl", location=HOME, region="r", output_warehouse_id="W")],
        warehouses=[
            Warehouse(id="W", name="w", location=HOME, region="r", capacity_units=1000),
            Warehouse(
                id="W2",
                name="w2",
                location=far,
                region="r",
                capacity_units=1000,
                initial_stock={"P": 100},
            ),
        ],
        customers=[Customer(id="C", name="c", location=NEAR, region="r", demand_per_day={"P": 0})],
        vehicles=[Vehicle(id="V", name="v", depot_id="W", capacity_units=1000)],
    )
    plan = plan_milp(snapshot_of(net, 3, demand=[line(50.0, 2)]), SETTINGS, plan_id="t")
    assert plan.shortages == []
    [move] = plan.transfers
    assert (move.origin_id, move.destination_id) == ("W2", "W")
    assert move.quantity == pytest.approx(50.0)
    assert move.arrival_period == move.ship_period + SETTINGS.transfer_days <= 2
    assert [(d.warehouse_id, d.period) for d in plan.deliveries] == [("W", 2)]


def test_cold_products_are_not_sent_to_a_warehouse_without_cold_storage() -> None:
    cold = product("R", cold=True)
    m = Machine(id="M", name="m", plant_id="PL", rates={"R": 10.0}, setup_hours=0.0)
    net = line_network(
        products=[cold],
        machines=[m],
        vehicles=[Vehicle(id="V", name="v", depot_id="W", capacity_units=100, refrigerated=True)],
    )
    snap = snapshot_of(net, 1, demand=[line(10.0, pid="R")])
    no_cold = [snap.warehouses[0].model_copy(update={"cold_storage_ok": False})]
    plan = plan_milp(snap.model_copy(update={"warehouses": no_cold}), SETTINGS, plan_id="t")
    assert plan.production == []
    assert plan.shortages[0].quantity == pytest.approx(10.0)


def test_goods_leave_from_the_stock_held_when_the_period_starts() -> None:
    # Vehicles leave in the morning: today's output (80) waits for tomorrow,
    # so of 100 due today only the 30 on hand go out, and tomorrow's 50 come
    # from today's output.
    net = line_network(stock={"P": 30.0})
    m = net.machines[0]
    snap = snapshot_of(
        net,
        2,
        machines=[machine_offer(m, 2, capacity_hours=[8.0, 8.0])],
        demand=[line(100.0, 0), line(50.0, 1)],
    )
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    [short] = plan.shortages
    assert short.period == 0 and short.quantity == pytest.approx(70.0)
    shipped = {t: sum(d.quantity for d in plan.deliveries if d.period == t) for t in (0, 1)}
    assert shipped == {0: pytest.approx(30.0), 1: pytest.approx(50.0)}
    assert sum(r.quantity for r in plan.production if r.period == 0) >= 50.0 - 1e-6


@pytest.mark.parametrize(("eta_hour", "shipped_today"), [(8.0, 100.0), (8.5, 30.0), (None, 30.0)])
def test_a_shipment_tracked_to_land_before_the_first_departure_leaves_today(
    eta_hour: float | None, shipped_today: float
) -> None:
    """A replan at 08:00 with 70 units landing at 08:00: they go out today.

    Kept as an arrival of period 0 they waited for tomorrow, as at midnight
    when the trucks leave at 07:00 before the 08:00 landings; replans just
    before the landings planned the day's shortages from that (1,300-2,500
    units of a day's arrivals on `volatile-2`, seed 0). Landing after the
    first departure, or at an hour nobody tracks, they still wait.
    """
    net = line_network(
        stock={"P": 30.0}, machines=[], suppliers=[supplier("S", quote("P", 500, 2, 5.0))]
    )
    eight = START + timedelta(hours=8)
    base = snapshot_of(net, 2, demand=[line(100.0, 0)])
    on_road = Inbound(
        shipment_id="po-1",
        product_id="P",
        destination_id="W",
        quantity=70.0,
        arrival_period=0,
        eta=None if eta_hour is None else START + timedelta(hours=eta_hour),
    )
    snap = base.model_copy(
        update={
            "taken_at": eight,
            "suppliers": [base.suppliers[0].model_copy(update={"inbound": [on_road]})],
        }
    )
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    today = sum(d.quantity for d in plan.deliveries if d.period == 0)
    assert today == pytest.approx(shipped_today)


@pytest.mark.parametrize(("now_hour", "today"), [(15.0, 40.0), (17.0, 0.0)])
def test_no_route_leaves_today_after_the_last_departure_hour(now_hour: float, today: float) -> None:
    """A replan after the day's last departure (16:00) plans no new route for today.

    The vehicles drop such a route (`adapters.simulator.vehicles`); planned
    from now on, as a replan at 17:00 did, the plan counted on a delivery
    that never left (two routes dropped at 16:30 on `tight-1`, seed 0).
    """
    net = line_network(stock={"P": 100.0}, machines=[], suppliers=[])
    base = snapshot_of(net, 2, demand=[line(40.0, 0), line(30.0, 1)])
    snap = base.model_copy(update={"taken_at": START + timedelta(hours=now_hour)})
    plan = plan_milp(snap, SETTINGS, plan_id="t")
    assert sum(d.quantity for d in plan.deliveries if d.period == 0) == pytest.approx(today)
    assert all(r.period > 0 for r in plan.routes) == (today == 0.0)
    assert sum(d.quantity for d in plan.deliveries if d.period == 1) == pytest.approx(30.0)
