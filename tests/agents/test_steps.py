"""Invariants of the agents' pure step functions, on generated readings (Hypothesis).

For every kind, each step leaves the memory it was given untouched, gives a
memory whose JSON dump validates back to itself, and the agent fed the same
readings holds that very memory and comes back from its stored snapshot
with the same state. Each kind adds its own: a warehouse's stock is never
negative and its alarms fire exactly when their latches close; a machine's
health stays in [0, 1], a vibration alert comes only with a zone change and
a breakdown, a repair or a hot bearing is raised once;
a supplier's shipments are tracked until they land, and stay late once
late; a vehicle's progress never goes back and its alarms fire once per
episode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.alerts import AlertMaker
from agents.base import Agent
from agents.cargo import CargoWatch
from agents.coldchain import cold_range
from agents.core import AgentCore
from agents.factory import build_agent
from agents.geo import Point, site_point
from agents.machine_memory import MachineMemory
from agents.machine_schedule import Schedule
from agents.machine_step import MachineSetup
from agents.machine_step import step as machine_step
from agents.memory import Memory
from agents.settings import AgentSettings
from agents.supplier_memory import SupplierMemory
from agents.supplier_step import SupplierSetup
from agents.supplier_step import step as supplier_step
from agents.vehicle_alerts import VehicleAlarms
from agents.vehicle_memory import VehicleMemory
from agents.vehicle_step import VehicleSetup
from agents.vehicle_step import step as vehicle_step
from agents.vehicle_step import tick as vehicle_tick
from agents.warehouse_alerts import WarehouseAlarms
from agents.warehouse_memory import WarehouseMemory
from agents.warehouse_step import step as warehouse_step
from supplysync.commands import Command, ProduceOrder, RouteOrder, SupplyOrder, TransferOrder
from supplysync.events import Alert, AlertKind
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import PurchaseOrder, Route, Stop, Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from tests.agents.conftest import T0, Feed, at, command
from tests.agents.test_snapshots import stored

M = TypeVar("M", bound=Memory)
WINDOW = PlanningWindow(start=T0, period_hours=24, periods=3)
EXAMPLES = settings(max_examples=150, deadline=None)


Event = Reading | datetime
"""A reading to step on, or the time of a tick with no reading."""


def walk(
    memory: M,
    events: Sequence[Event],
    step: Callable[[M, Reading], tuple[M, list[Alert]]],
    check: Callable[[M, M, list[Alert]], None],
    tick: Callable[[M, datetime], tuple[M, list[Alert]]] | None = None,
) -> M:
    """Step through `events`, checking what every kind promises and what `check` adds."""
    for event in events:
        untouched = memory.model_copy(deep=True)
        if isinstance(event, datetime):
            assert tick is not None
            after, alerts = tick(memory, event)
        else:
            after, alerts = step(memory, event)
        assert memory == untouched, "a step changed the memory it was given"
        dumped = json.loads(json.dumps(after.model_dump(mode="json")))
        assert type(after).model_validate(dumped) == after, "the dump does not read back"
        check(memory, after, alerts)
        memory = after
    return memory


def agent_agrees(
    network: Network,
    agent: Agent,
    memory: Memory,
    events: Sequence[Event],
    tunables: AgentSettings | None = None,
) -> None:
    """The agent fed `events` holds `memory`, and its stored snapshot gives it back."""
    for event in events:
        if isinstance(event, datetime):
            agent.tick(event)
        else:
            agent.ingest([event], event.ts)
    assert isinstance(agent, AgentCore) and agent.memory == memory
    rebuilt = build_agent(agent.asset_id, network, tunables)
    rebuilt.restore(stored(agent).state)
    assert isinstance(rebuilt, AgentCore) and rebuilt.memory == memory
    assert rebuilt.state() == agent.state()
    assert rebuilt.snapshot() == agent.snapshot()


def of_kind(alerts: list[Alert], kind: AlertKind) -> list[Alert]:
    return [a for a in alerts if a.kind is kind]


# ---------------------------------------------------------------------- machine
MACHINE = "M-DUI-1"  # makes PUMP and VALVE
LOOSE = AgentSettings(trend_min_samples=3, trend_min_t=0.5, trend_refit_hours=0)
"""A trend that predicts from few samples, so that generated runs reach a prediction."""

machine_events = st.lists(
    st.tuples(
        st.sampled_from(["runtime", "vibration", "temperature", "pressure", "output", "wear"]),
        st.booleans(),
        st.floats(min_value=0, max_value=12, allow_nan=False),
    ),
    max_size=80,
)


def machine_readings(events: list[tuple[str, bool, float]]) -> list[Event]:
    """Readings every quarter hour from 06:00, the hour meter running with the machine.

    A "wear" event is a running quarter hour whose vibration follows the wear
    model (docs/sensors.md) of a machine losing 2 % of its health each time,
    so that runs of them reach a prediction.
    """
    feed, meter, worn, out = Feed(MACHINE), 0.0, 0.0, list[Event]()
    for i, (kind, flag, value) in enumerate(events):
        ts = at(6 + i / 4)
        if kind == "wear":
            meter, worn = meter + 0.25, min(1.0, worn + 0.02)
            out.append(feed("runtime", "M-plc", ts, hours=meter, running=True))
            vibration = 1.2 + 6.3 * worn**2 + value / 100
            out.append(feed("vibration", "M-vib", ts, mm_s_rms=vibration))
        elif kind == "runtime":
            meter += 0.25 if flag else 0.0
            out.append(feed("runtime", "M-plc", ts, hours=meter, running=flag))
        elif kind == "vibration":
            out.append(feed("vibration", "M-vib", ts, mm_s_rms=value))
        elif kind == "temperature":
            out.append(feed("temperature", "M-temp", ts, celsius=40 + 4 * value))
        elif kind == "pressure":
            out.append(feed("pressure", "M-press", ts, kpa=100 * value))
        else:
            product = "PUMP" if flag else "GIZMO"  # GIZMO: not made here
            out.append(feed("output", "M-out", ts, product_id=product, units=value))
    return out


def machine_schedule() -> Command:
    run = ProductionRun(machine_id=MACHINE, product_id="PUMP", period=0, quantity=30, hours=10)
    maintenance = MaintenanceWindow(machine_id=MACHINE, period=1, hours=4)
    return command(MACHINE, "machine", ProduceOrder(runs=[run], maintenance=[maintenance]), WINDOW)


@EXAMPLES
@given(machine_events, st.booleans())
def test_machine_step(
    network: Network, events: list[tuple[str, bool, float]], scheduled: bool
) -> None:
    setup = MachineSetup(LOOSE, network.machine(MACHINE), AlertMaker(MACHINE, "machine"))
    s = setup.settings
    readings = machine_readings(events)
    first = MachineMemory(health=setup.spec.initial_health)
    if scheduled:
        body = machine_schedule().body
        assert isinstance(body, ProduceOrder)
        first = first.model_copy(update={"schedule": Schedule.accepted(MACHINE, body, WINDOW)})

    def check(before: MachineMemory, after: MachineMemory, alerts: list[Alert]) -> None:
        assert 0.0 <= after.health <= 1.0
        zone_alerts = [a for a in of_kind(alerts, AlertKind.THRESHOLD) if "zone" in a.data]
        if after.zone_alerted > before.zone_alerted:
            assert [a.data["zone"] for a in zone_alerts] == [after.zone_alerted.label]
        else:
            assert zone_alerts == []
        assert len(after.recent) <= s.health_samples
        samples = after.trend.samples
        assert not samples or samples[-1][0] - samples[0][0] <= s.trend_window_hours
        assert after.down_since is None or after.running is not True
        if of_kind(alerts, AlertKind.PREDICTED_FAILURE):
            assert after.trend.alerted and not before.trend.alerted
        went_down = before.down_since is None and after.down_since is not None
        assert len(of_kind(alerts, AlertKind.MACHINE_DOWN)) == int(went_down)
        came_back = before.down_since is not None and after.down_since is None
        assert len(of_kind(alerts, AlertKind.MACHINE_RESTORED)) == int(came_back)
        hot = [a for a in of_kind(alerts, AlertKind.THRESHOLD) if "celsius" in a.data]
        assert len(hot) == int(after.temp_alerted and not before.temp_alerted)

    last = walk(first, readings, lambda m, r: machine_step(m, r, setup), check)
    agent = build_agent(MACHINE, network, LOOSE)
    if scheduled:
        agent.commit(machine_schedule())
    agent_agrees(network, agent, last, readings, LOOSE)


# -------------------------------------------------------------------- warehouse
WAREHOUSE = "W-DUI"
TRANSFERS = [
    Transfer(
        transfer_id=f"T-{i}",
        origin_id="W-EHV",
        destination_id=WAREHOUSE,
        product_id=product,
        quantity=quantity,
        ship_period=0,
        arrival_period=1,
    )
    for i, (product, quantity) in enumerate([("PUMP", 50.0), ("VALVE", 30.0)], start=1)
]

warehouse_events = st.lists(
    st.tuples(
        st.sampled_from(["shelf", "scan", "temperature", "humidity"]),
        st.sampled_from(["PUMP", "VALVE", "GIZMO"]),  # GIZMO: not a product of the network
        st.floats(min_value=0.5, max_value=800, allow_nan=False),
        st.sampled_from(["in", "out"]),
        st.sampled_from(["T-1", "T-2", "L-9", "elsewhere"]),  # a lot, or another site's scan
    ),
    max_size=60,
)


def warehouse_readings(events: list[tuple[str, str, float, str, str]]) -> list[Event]:
    feed, out = Feed(WAREHOUSE), list[Event]()
    for i, (kind, product, units, direction, lot) in enumerate(events):
        ts = at(i / 2)
        if kind == "shelf":
            out.append(feed("stock_level", "W-shelf", ts, product_id=product, units=units))
        elif kind == "scan":
            site = "W-EHV" if lot == "elsewhere" else WAREHOUSE
            out.append(
                feed(
                    "rfid_scan",
                    "W-rfid",
                    ts,
                    lot_id=lot,
                    product_id=product,
                    units=units,
                    direction=direction,
                    site_id=site,
                )
            )
        elif kind == "temperature":
            out.append(feed("temperature", "W-temp", ts, celsius=units / 20 - 5))
        else:
            out.append(feed("humidity", "W-env", ts, percent_rh=units / 8))
    return out


@EXAMPLES
@given(warehouse_events)
def test_warehouse_step(network: Network, events: list[tuple[str, str, float, str, str]]) -> None:
    spec = network.warehouse(WAREHOUSE)
    allowed = cold_range(network.products) if spec.cold_storage else None
    alarms = WarehouseAlarms(AlertMaker(WAREHOUSE, "warehouse"), AgentSettings(), spec, allowed)
    agent = build_agent(WAREHOUSE, network)
    agent.commit(command(WAREHOUSE, "warehouse", TransferOrder(transfers=TRANSFERS), WINDOW))
    assert isinstance(agent, AgentCore)
    first = agent.memory
    assert isinstance(first, WarehouseMemory)
    products = set(first.stock)
    readings = warehouse_readings(events)

    def check(before: WarehouseMemory, after: WarehouseMemory, alerts: list[Alert]) -> None:
        assert min(after.stock.values()) >= 0
        assert set(after.stock) == products
        assert min(after.inbound.values(), default=0.0) >= 0
        assert set(after.pending) <= set(before.pending)
        below = of_kind(alerts, AlertKind.BELOW_REORDER_POINT)
        fell = set(after.watch.below) - set(before.watch.below)
        assert sorted(str(a.data["product_id"]) for a in below) == sorted(fell)
        filled = after.watch.near_full and not before.watch.near_full
        assert len(of_kind(alerts, AlertKind.NEAR_CAPACITY)) == int(filled)

    last = walk(first, readings, lambda m, r: warehouse_step(m, r, alarms), check)
    agent_agrees(network, agent, last, readings)


# --------------------------------------------------------------------- supplier
SUPPLIER = "S-RHEIN"
ORDERS = [
    PurchaseOrder(
        po_id=po,
        supplier_id=SUPPLIER,
        product_id="FILTER",
        destination_id="W-DUI",
        quantity=100,
        order_period=0,
        arrival_period=1,
        unit_price=19,
    )
    for po in ("PO-1", "PO-2")
]

supplier_events = st.lists(
    st.tuples(
        st.sampled_from(["PO-1", "PO-1", "PO-2", "PO-9"]),  # PO-9: a tracker of no order here
        st.sampled_from(["there", "near", "away", "away", "away"]),  # mostly held on the road
        st.sampled_from([0.0, 0.0, 0.0, 5.0, 60.0]),
        st.floats(min_value=0.1, max_value=8, allow_nan=False),
    ),
    max_size=40,
)


def supplier_readings(
    events: list[tuple[str, str, float, float]], destination: Point
) -> list[Event]:
    """Tracker fixes from the start on, each `gap` hours after the one before."""
    lat, lon = destination
    places = {"there": destination, "near": (lat + 0.004, lon), "away": (lat - 0.1, lon - 0.1)}
    feed, hours, out = Feed(SUPPLIER), 0.0, list[Event]()
    for po, place, speed, gap in events:
        hours += gap
        where = places[place]
        out.append(
            feed(
                "location",
                f"trk-{po}",
                at(hours),
                lat=where[0],
                lon=where[1],
                speed_kmh=speed,
                shipment_id=po,
            )
        )
    return out


@EXAMPLES
@given(supplier_events)
def test_supplier_step(network: Network, events: list[tuple[str, str, float, float]]) -> None:
    destination = site_point(network, "W-DUI")
    assert destination is not None
    setup = SupplierSetup(AgentSettings(), AlertMaker(SUPPLIER, "supplier"))
    agent = build_agent(SUPPLIER, network)
    agent.commit(command(SUPPLIER, "supplier", SupplyOrder(orders=ORDERS), WINDOW))
    assert isinstance(agent, AgentCore)
    first = agent.memory
    assert isinstance(first, SupplierMemory)
    readings = supplier_readings(events, destination)

    def check(before: SupplierMemory, after: SupplierMemory, alerts: list[Alert]) -> None:
        assert after.delivered + len(after.shipments) == len(ORDERS)
        assert after.delivered_delay_h >= 0
        assert all(sh.held_h() >= 0 for sh in after.shipments.values())
        assert all(
            after.shipments[po].late
            for po, sh in before.shipments.items()
            if sh.late and po in after.shipments
        )
        turned = {
            po for po, sh in after.shipments.items() if sh.late and not before.shipments[po].late
        }
        assert {a.data["po_id"] for a in of_kind(alerts, AlertKind.LATE_SHIPMENT)} == turned

    last = walk(first, readings, lambda m, r: supplier_step(m, r, setup), check)
    agent_agrees(network, agent, last, readings)


# ---------------------------------------------------------------------- vehicle
VEHICLE = "V-CGN-1"  # refrigerated, from W-CGN
ROUTE = Route(
    vehicle_id=VEHICLE,
    period=0,
    depot_id="W-CGN",
    load={"REAGENT": 20, "PUMP": 10},
    stops=[
        Stop(site_id="C-LEVERKUSEN", arrive_h=7.5, depart_h=7.75, drop={"PUMP": 10}),
        Stop(site_id="C-BONN", arrive_h=9.0, depart_h=9.25, drop={"REAGENT": 20}),
    ],
    method="test",
)

vehicle_events = st.lists(
    st.one_of(
        st.tuples(
            st.just("fix"),
            st.sampled_from(["W-CGN", "C-LEVERKUSEN", "C-BONN", "off"]),
            st.sampled_from([0.0, 5.0, 50.0]),
        ),
        st.tuples(st.just("temperature"), st.none(), st.floats(min_value=-5, max_value=20)),
        st.tuples(st.just("temperature"), st.none(), st.floats(min_value=9, max_value=20)),
        st.tuples(st.just("door"), st.none(), st.sampled_from([0.0, 1.0])),
        st.tuples(st.just("fuel"), st.none(), st.floats(min_value=0, max_value=100)),
        st.tuples(st.sampled_from(["shock", "harsh", "tick"]), st.none(), st.just(1.0)),
    ),
    max_size=60,
)


def vehicle_readings(
    events: list[tuple[str, str | None, float]], places: dict[str, Point]
) -> list[Event]:
    """Readings (and ticks) every six minutes from 07:00."""
    feed, out = Feed(VEHICLE), list[Event]()
    for i, (kind, place, value) in enumerate(events):
        ts = at(7 + i / 10)
        if kind == "fix":
            lat, lon = places[place or "off"]
            out.append(feed("location", "V-gps", ts, lat=lat, lon=lon, speed_kmh=value))
        elif kind == "temperature":
            out.append(feed("temperature", "V-cargo", ts, celsius=value))
        elif kind == "door":
            out.append(feed("door", "V-door", ts, open=value > 0))
        elif kind == "fuel":
            out.append(feed("fuel", "V-fuel", ts, percent=value))
        elif kind == "shock":
            out.append(feed("shock", "V-imu", ts, g=3.0))
        elif kind == "harsh":
            out.append(feed("harsh_driving", "V-imu", ts, event="brake", g=0.6))
        else:
            out.append(ts)
    return out


@EXAMPLES
@given(vehicle_events)
def test_vehicle_step(network: Network, events: list[tuple[str, str | None, float]]) -> None:
    spec, s, make = network.vehicle(VEHICLE), AgentSettings(), AlertMaker(VEHICLE, "vehicle")
    cold = cold_range(network.products)
    products = {p.id: p for p in network.products}
    setup = VehicleSetup(
        s, products, VehicleAlarms(make, s, spec), CargoWatch.of(make, s, spec.refrigerated, cold)
    )
    places: dict[str, Point] = {"off": (51.0, 6.75)}
    for site in ("W-CGN", "C-LEVERKUSEN", "C-BONN"):
        where = site_point(network, site)
        assert where is not None
        places[site] = where
    agent = build_agent(VEHICLE, network)
    agent.commit(command(VEHICLE, "vehicle", RouteOrder(routes=[ROUTE]), WINDOW))
    assert isinstance(agent, AgentCore)
    first = agent.memory
    assert isinstance(first, VehicleMemory)
    readings = vehicle_readings(events, places)

    def turned(alerts: list[Alert], kind: AlertKind, key: str, on: bool) -> None:
        raised = [a for a in of_kind(alerts, kind) if key in a.data]
        assert len(raised) == int(on)

    def check(before: VehicleMemory, after: VehicleMemory, alerts: list[Alert]) -> None:
        assert len(after.routes) <= len(before.routes)
        earlier = {r.start: r for r in before.routes}
        for route in after.routes:
            assert 0 <= route.next_stop <= len(route.stops)
            was = earlier[route.start]
            assert route.next_stop >= was.next_stop and route.started >= was.started
        b, a = before.watch, after.watch
        turned(alerts, AlertKind.DOOR_OPEN, "minutes_open", a.door_alerted and not b.door_alerted)
        turned(alerts, AlertKind.THRESHOLD, "percent", a.fuel_low and not b.fuel_low)
        failed = before.cargo.refrigeration_ok and not after.cargo.refrigeration_ok
        turned(alerts, AlertKind.THRESHOLD, "minutes_above", failed)
        excursion = after.cargo.excursion_alerted and not before.cargo.excursion_alerted
        turned(alerts, AlertKind.COLD_CHAIN_EXCURSION, "peak_c", excursion)
        assert len(of_kind(alerts, AlertKind.ETA_SLIP)) <= 1
        assert len(of_kind(alerts, AlertKind.ROUTE_DEVIATION)) <= 1

    last = walk(
        first,
        readings,
        lambda m, r: vehicle_step(m, r, setup),
        check,
        lambda m, now: vehicle_tick(m, now, setup),
    )
    agent_agrees(network, agent, last, readings)
