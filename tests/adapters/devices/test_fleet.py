"""The demo as a fleet of MQTT devices against the project's ACL broker.

The fleet runs six simulated hours per wall second; the system side is
played by aiomqtt clients logged in as the ingest and dispatch users.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta

import aiomqtt
import pytest

from adapters.devices import BrokerAddress, DeviceAuthError, Fleet, FleetSettings
from adapters.devices.broker_config import DISPATCH_USER, INGEST_USER
from adapters.devices.credentials import Credentials
from adapters.devices.fleet import GATEWAY_ID
from adapters.devices.wire import EVENT_KINDS
from adapters.mqtt.topics import parse, topic_of
from supplysync.clock import WallClock
from supplysync.commands import Command, CommandAck, RouteOrder, SupplyOrder, TransferOrder
from supplysync.orders import OrderMessage
from supplysync.plan import PurchaseOrder, Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import GatewayMessage, RfidScan
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker

FAST = FleetSettings(speed=6 * 3600, tick_s=0.05, backoff_min_s=0.1, backoff_max_s=0.5)
WAIT_S = 10.0

Secured = tuple[PrivateBroker, Credentials]


def _client(broker: PrivateBroker, creds: Credentials, user: str) -> aiomqtt.Client:
    return aiomqtt.Client("127.0.0.1", broker.port, username=user, password=creds.secret(user))


def _fleet(scenario: Scenario, broker: PrivateBroker, creds: Credentials | None) -> Fleet:
    return Fleet(
        scenario=scenario,
        broker=BrokerAddress("127.0.0.1", broker.port),
        credentials=creds,
        settings=FAST,
    )


def _command(
    scenario: Scenario, fleet: Fleet, command_id: str, asset: str, body: object
) -> Command:
    window = PlanningWindow(start=fleet.simulator.now, period_hours=24, periods=3)
    return Command.model_validate(
        {
            "command_id": command_id,
            "plan_id": "plan-1",
            "asset_id": asset,
            "asset_kind": scenario.network.asset_kinds()[asset],
            "issued_at": fleet.simulator.now,
            "window": window,
            "body": body,
        }
    )


def _po(po_id: str, supplier: str, product: str, destination: str) -> PurchaseOrder:
    """40 units shipped at once (period 0), due in two days."""
    return PurchaseOrder(
        po_id=po_id,
        supplier_id=supplier,
        product_id=product,
        destination_id=destination,
        quantity=40,
        order_period=0,
        arrival_period=2,
        unit_price=10,
    )


async def _until(condition: object, what: str) -> None:
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def test_fleet_publishes_for_every_asset_and_follows_commands(
    secured: Secured, demo_scenario: Scenario
) -> None:
    asyncio.run(_publishes_and_follows(*secured, demo_scenario))


async def _publishes_and_follows(
    broker: PrivateBroker, creds: Credentials, demo_scenario: Scenario
) -> None:
    network = demo_scenario.network
    readings: dict[str, list[GatewayMessage]] = defaultdict(list)
    acks: dict[str, list[CommandAck]] = defaultdict(list)
    qos_of: dict[str, set[int]] = defaultdict(set)
    events_from: set[str] = set()

    async def ingest(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            topic = parse(str(message.topic))
            assert isinstance(message.payload, bytes)
            if topic.channel == "ack":
                ack = CommandAck.model_validate_json(message.payload)
                assert ack.asset_id == topic.asset_id
                acks[ack.command_id].append(ack)
                continue
            batch = GatewayMessage.model_validate_json(message.payload)
            assert {r.asset_id for r in batch.readings} == {topic.asset_id}
            assert topic == topic_of(network, topic.asset_id, topic.channel)
            kinds = {r.kind for r in batch.readings}
            assert kinds <= EVENT_KINDS if topic.channel == "events" else not kinds & EVENT_KINDS
            qos_of[topic.channel].add(message.qos)
            if topic.channel == "events":
                events_from.add(topic.asset_id)
            readings[topic.asset_id].append(batch)

    # suppliers report only shipments on the road: each gets one to send
    orders = {
        supplier: SupplyOrder(orders=[_po(f"PO-{supplier}", supplier, product, to)])
        for supplier, product, to in (
            ("S-RHEIN", "FILTER", "W-DUI"),
            ("S-MAAS", "BOLT", "W-EHV"),
            ("S-COLD", "REAGENT", "W-CGN"),
        )
    }
    async with (
        _client(broker, creds, INGEST_USER) as system_in,
        _client(broker, creds, DISPATCH_USER) as dispatch,
    ):
        for channel in ("telemetry", "events", "ack"):
            await system_in.subscribe(f"supplysync/+/+/+/{channel}", qos=1)
        listener = asyncio.create_task(ingest(system_in))
        async with _fleet(demo_scenario, broker, creds) as fleet:
            commands = [
                _command(demo_scenario, fleet, f"cmd-{supplier}", supplier, body)
                for supplier, body in orders.items()
            ]
            commands.append(_command(demo_scenario, fleet, "cmd-wrong", "M-DUI-1", RouteOrder()))
            for command in commands:
                cmd_topic = topic_of(network, command.asset_id, "cmd")
                await dispatch.publish(str(cmd_topic), command.model_dump_json(), qos=1)
            await _until(lambda: len(acks) == 4 and all(len(a) == 2 for a in acks.values()), "acks")
            await _until(lambda: set(readings) == set(network.asset_kinds()), "every asset")
            warehouses = {w.id for w in network.warehouses}
            await _until(lambda: events_from == warehouses, "stock levels of every warehouse")
            shipments = fleet.simulator.ground_truth()["shipments"]
        listener.cancel()

    assert {c: [a.status for a in acks[f"cmd-{c}"]] for c in orders} == {
        c: ["received", "done"] for c in orders
    }
    assert sorted((s["po_id"], s["units"], s["destination_id"]) for s in shipments) == [
        ("PO-S-COLD", 40, "W-CGN"),
        ("PO-S-MAAS", 40, "W-EHV"),
        ("PO-S-RHEIN", 40, "W-DUI"),
    ]
    assert [(a.status, "no route asset 'M-DUI-1'" in a.reason) for a in acks["cmd-wrong"]] == [
        ("received", False),
        ("rejected", True),
    ]
    assert qos_of == {"telemetry": {0}, "events": {1}}
    # per device, sequence numbers rise by one with no gap or repeat
    for batches in readings.values():
        seqs = defaultdict(list)
        for r in (r for b in batches for r in b.readings):
            seqs[r.device_id].append(r.seq)
        assert all(s == list(range(s[0], s[0] + len(s))) for s in seqs.values())


def test_wrong_credentials_stop_the_fleet_at_once(
    secured: Secured, demo_scenario: Scenario
) -> None:
    broker, creds = secured
    forged = Credentials({**creds.users, "W-CGN": "not-the-secret-of-W-CGN"})

    async def enter() -> None:
        async with _fleet(demo_scenario, broker, forged):
            pytest.fail("entered with a refused device")

    with pytest.raises(DeviceAuthError, match="W-CGN"):
        asyncio.run(enter())


def test_devices_reconnect_after_a_broker_restart(
    secured: Secured, demo_scenario: Scenario
) -> None:
    asyncio.run(_reconnects(*secured, demo_scenario))


async def _reconnects(broker: PrivateBroker, creds: Credentials, demo_scenario: Scenario) -> None:
    async with _fleet(demo_scenario, broker, creds) as fleet:
        await asyncio.to_thread(broker.restart)
        devices = [*fleet.devices.values(), fleet.gateway]
        await _until(lambda: all(d.connects == 2 for d in devices), "every device back")
        before = sum(d.published for d in devices)
        await _until(lambda: sum(d.published for d in devices) > before, "publishing again")


def test_the_order_gateway_publishes_every_customers_orders(
    secured: Secured, demo_scenario: Scenario
) -> None:
    asyncio.run(_publishes_orders(*secured, demo_scenario))


async def _publishes_orders(
    broker: PrivateBroker, creds: Credentials, demo_scenario: Scenario
) -> None:
    network = demo_scenario.network
    ordering = {c.id for c in network.customers if any(r > 0 for r in c.demand_per_day.values())}
    received: dict[str, list[OrderMessage]] = defaultdict(list)
    qos: set[int] = set()

    async def ingest(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            assert isinstance(message.payload, bytes)
            topic = parse(str(message.topic))
            received[topic.asset_id].append(OrderMessage.model_validate_json(message.payload))
            qos.add(message.qos)

    async with _client(broker, creds, INGEST_USER) as system_in:
        await system_in.subscribe("supplysync/+/customer/+/orders", qos=1)
        listener = asyncio.create_task(ingest(system_in))
        async with _fleet(demo_scenario, broker, creds) as fleet:
            await _until(lambda: set(received) == ordering, "orders of every customer")
            published = fleet.orders
        listener.cancel()

    assert qos == {1}
    messages = [m for ms in received.values() for m in ms]
    assert {m.gateway_id for m in messages} == {GATEWAY_ID}
    for customer, ms in received.items():
        assert {o.customer_id for m in ms for o in m.orders} <= {customer}
    # every order the simulator placed so far went out, once
    ids = [o.order_id for m in messages for o in m.orders]
    assert len(ids) == len(set(ids)) and published >= len(ids) > 0


def test_at_speed_one_the_fleets_world_keeps_the_walls_time(
    secured: Secured, demo_scenario: Scenario
) -> None:
    """Real time is the wall's: a world started off a step boundary is not set back to it."""
    broker, creds = secured

    async def gap() -> float:
        fleet = Fleet(
            scenario=demo_scenario,
            broker=BrokerAddress("127.0.0.1", broker.port),
            credentials=creds,
            settings=FAST.model_copy(update={"speed": 1.0}),
            start=WallClock().now(),
        )
        async with fleet:
            pace = fleet.pace()
            assert pace is not None
            wall = WallClock().now()
            return abs((pace.time_at(wall) - wall).total_seconds())

    assert asyncio.run(gap()) < 2.0


def test_a_scan_a_command_causes_is_published_when_it_happens_never_before_the_command(
    secured: Secured, demo_scenario: Scenario
) -> None:
    """Session 21: a transfer picked on command was stamped at the quarter hour before the
    command (so an alert it caused stood before the plan that caused it) and published with
    the next quarter hour's burst, up to 15 minutes after its stamp."""
    broker, creds = secured
    speed = 900.0  # a 15-minute step is one wall second
    fleet = Fleet(
        scenario=demo_scenario,
        broker=BrokerAddress("127.0.0.1", broker.port),
        credentials=creds,
        settings=FAST.model_copy(update={"speed": speed}),
    )
    step = timedelta(minutes=demo_scenario.simulation.step_minutes)
    scans: list[tuple[datetime, datetime]] = []  # (stamped, heard on the fleet's clock)

    async def ingest(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            assert isinstance(message.payload, bytes)
            heard = fleet.now()
            for r in GatewayMessage.model_validate_json(message.payload).readings:
                if isinstance(r, RfidScan) and r.lot_id == "T-1":
                    scans.append((r.ts, heard))

    async def run() -> datetime:
        async with (
            _client(broker, creds, INGEST_USER) as system_in,
            _client(broker, creds, DISPATCH_USER) as dispatch,
        ):
            await system_in.subscribe("supplysync/+/warehouse/W-DUI/events", qos=1)
            listener = asyncio.create_task(ingest(system_in))
            async with fleet:
                # send between a quarter and half way into a step, well after its start
                while not step / 4 < (fleet.now() - fleet.simulator.now) % step < step / 2:
                    await asyncio.sleep(0.01)
                issued = fleet.now()
                transfer = Transfer(
                    transfer_id="T-1",
                    origin_id="W-DUI",
                    destination_id="W-CGN",
                    product_id="BOLT",
                    quantity=50,
                    ship_period=0,
                    arrival_period=1,
                )
                command = _command(
                    demo_scenario, fleet, "cmd-t", "W-DUI", TransferOrder(transfers=[transfer])
                ).model_copy(update={"issued_at": issued})
                topic = str(topic_of(demo_scenario.network, "W-DUI", "cmd"))
                await dispatch.publish(topic, command.model_dump_json(), qos=1)
                await _until(lambda: scans, "the transfer's scan")
            listener.cancel()
        return issued

    issued = asyncio.run(run())
    [(stamped, heard)] = scans
    assert stamped >= issued, f"scan stamped {issued - stamped} before the command"
    assert timedelta(0) <= heard - stamped < timedelta(minutes=2), f"heard {heard - stamped} late"
