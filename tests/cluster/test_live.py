"""The live loop against a private Mosquitto and each store backend, agents in-process.

Payloads are published by hand with `mosquitto_pub`; operator requests are
written to the store as the API writes them. Ray is not the point here
(tests/cluster/test_live_ray.py kills a host), nor the device fleet and the
ACL (tests/e2e/test_live.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.mqtt.topics import topic_of
from adapters.store import EventStore, open_store
from cluster.live import Brokers, LiveLoop, LiveSettings
from runtime.directory import InlineDirectory
from supplysync.clock import NetworkClock, VirtualClock
from supplysync.control import MachineOut, OperatorRequest
from supplysync.events import AlertKind
from supplysync.plan import Plan
from supplysync.readings import StockLevelReading
from supplysync.scenario import Scenario
from supplysync.status import LoopStatus
from tests.brokers import PrivateBroker, free_port
from tests.cluster.live_harness import eventually, fast_loop, mosquitto_pub, running

FAST = LiveSettings(turn_s=0.1, agent_tick_s=3600, status_every_s=0.2)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)


def live_loop(
    scenario: Scenario,
    store_url: str,
    broker: PrivateBroker,
    *,
    clock: NetworkClock | None = None,
) -> LiveLoop:
    directory = InlineDirectory.start(scenario.network, store_url=store_url)
    return fast_loop(scenario, directory, store_url, broker, settings=FAST, clock=clock)


def shelf(asset_id: str, seq: int, units: float, *, off: timedelta = timedelta(0)) -> bytes:
    reading = StockLevelReading(
        device_id=f"{asset_id}-shelf",
        asset_id=asset_id,
        seq=seq,
        ts=datetime.now(UTC) + off,
        product_id="PUMP",
        units=units,
    )
    return reading.model_dump_json().encode()


def test_hand_published_readings_reach_agents_and_store_and_junk_the_dead_letters(
    demo_scenario: Scenario, store_url: str, broker: PrivateBroker
) -> None:
    network = demo_scenario.network
    topic = str(topic_of(network, "W-DUI", "telemetry"))
    broken = b'{"kind": "stock_level", "device_id": "W-DUI-shelf", "units": -3}'
    # A well-formed reading under another site's topic: the ACL would let
    # W-DUI write there (its own asset id), the roster does not.
    misplaced = topic.replace("/W-DUI/warehouse/", "/W-EHV/warehouse/")
    assert misplaced != topic

    async def run() -> tuple[dict[str, Any], int, LoopStatus, LoopStatus]:
        loop = live_loop(demo_scenario, store_url, broker)
        async with running(loop):
            await mosquitto_pub(broker.port, topic, shelf("W-DUI", 0, 42))
            await mosquitto_pub(broker.port, topic, broken)
            await mosquitto_pub(broker.port, misplaced, shelf("W-DUI", 5, 99))
            await mosquitto_pub(broker.port, topic, shelf("W-DUI", 1, 7))
            readings = await eventually(
                store_url, lambda s: len(s.readings("W-DUI", EPOCH, LATER)) == 2
            )
            assert readings
            # The status the API reports: both readings counted, nothing held back.
            status = await eventually(store_url, settled_status(readings_total=2))
            later = await eventually(store_url, status_after(status.taken_at))
            states = await loop.agent_states()
            return states["W-DUI"], loop.stats.readings, status, later

    state, ingested, status, later = asyncio.run(run())
    assert state["stock"]["PUMP"] == 7.0
    assert ingested == 2
    assert (status.ingest_pending_messages, status.unacked_messages) == (0, 0)
    assert status.host_failures == 0
    assert later.readings_total == 2  # recorded again, every status_every_s
    with open_store(store_url) as store:
        assert [r.seq for r in store.readings("W-DUI", EPOCH, LATER)] == [0, 1]
        letter, wrong = sorted(store.dead_letters(EPOCH, LATER), key=lambda d: d.topic != topic)
        below = [a for a in store.alerts(EPOCH, LATER) if a.kind is AlertKind.BELOW_REORDER_POINT]
    assert (letter.topic, letter.raw, letter.asset_id) == (topic, broken, "W-DUI")
    assert "units" in letter.reason and "greater than or equal to 0" in letter.reason
    assert (wrong.topic, wrong.asset_id) == (misplaced, "W-DUI")
    assert wrong.reason.endswith(f"its topic is {topic!r}")
    assert [a.asset_id for a in below] == ["W-DUI"]  # 42 on hand, the alert recorded once


def test_a_reading_stamped_far_from_the_networks_clock_is_a_dead_letter(
    demo_scenario: Scenario, store_url: str, broker: PrivateBroker
) -> None:
    """Within the skew it is taken; a day ahead (a device clock gone wrong) it is refused."""
    topic = str(topic_of(demo_scenario.network, "W-DUI", "telemetry"))
    ahead = shelf("W-DUI", 0, 42, off=timedelta(days=1))

    async def run() -> None:
        async with running(live_loop(demo_scenario, store_url, broker)):
            await mosquitto_pub(broker.port, topic, ahead)
            await mosquitto_pub(broker.port, topic, shelf("W-DUI", 1, 41, off=timedelta(minutes=2)))
            await eventually(store_url, lambda s: s.readings("W-DUI", EPOCH, LATER))
            await eventually(store_url, lambda s: s.dead_letters(EPOCH, LATER))

    asyncio.run(run())
    with open_store(store_url) as store:
        assert [r.seq for r in store.readings("W-DUI", EPOCH, LATER)] == [1]
        [letter] = store.dead_letters(EPOCH, LATER)
    assert letter.raw == ahead
    assert letter.reason.startswith("ts: ")
    assert "ahead of the network's clock" in letter.reason


def settled_status(readings_total: int) -> Callable[[EventStore], LoopStatus | None]:
    """The latest status once it counts `readings_total` and holds no message back."""

    def look(store: EventStore) -> LoopStatus | None:
        status = store.latest_status()
        if status is None or status.readings_total != readings_total:
            return None
        return status if status.ingest_pending_messages == 0 else None

    return look


def status_after(at: datetime) -> Callable[[EventStore], LoopStatus | None]:
    """The latest status once it was taken after `at`."""

    def look(store: EventStore) -> LoopStatus | None:
        status = store.latest_status()
        return status if status is not None and status.taken_at > at else None

    return look


def production_of(plan: Plan) -> dict[str, float]:
    out: dict[str, float] = {}
    for run in plan.production:
        out[run.machine_id] = out.get(run.machine_id, 0.0) + run.quantity
    return out


def caused_by(request_id: str) -> Callable[[EventStore], Plan | None]:
    def look(store: EventStore) -> Plan | None:
        return next((p for p in store.plans() if request_id in p.causes), None)

    return look


def test_operator_requests_replan_and_a_machine_out_gets_no_production(
    demo_scenario: Scenario, store_url: str, broker: PrivateBroker
) -> None:
    def request(request_id: str, **fields: object) -> None:
        with open_store(store_url) as store:
            store.append(
                [OperatorRequest(request_id=request_id, by="ops", at=datetime.now(UTC), **fields)]
            )

    async def run() -> tuple[Plan, Plan, Plan, int]:
        loop = live_loop(demo_scenario, store_url, broker)
        async with running(loop):
            [first] = await eventually(store_url, lambda s: s.plans())
            await asyncio.to_thread(request, "r-replan", action="replan")
            asked = await eventually(store_url, caused_by("r-replan"))
            busiest = max(production_of(asked).items(), key=lambda kv: kv[1])[0]
            out = MachineOut(machine_id=busiest)
            await asyncio.to_thread(request, "r-out", action="set", override=out)
            without = await eventually(store_url, caused_by("r-out"))
        return first, asked, without, loop.stats.commands  # stopped: every send is done

    first, asked, without, commands = asyncio.run(run())
    busiest = max(production_of(asked).items(), key=lambda kv: kv[1])[0]
    assert production_of(asked)[busiest] > 0
    assert busiest not in production_of(without)
    assert sum(production_of(without).values()) > 0  # the others took over
    assert first.causes == []  # the tick at start
    n_assets = len(demo_scenario.network.asset_kinds())
    with open_store(store_url) as store:
        assert [p.plan_id for p in store.plans()] == [first.plan_id, asked.plan_id, without.plan_id]
        for plan in (first, asked, without):
            assert len(store.commands(plan.plan_id)) == n_assets
        # The snapshot kept is what the agents offered: overrides are applied on top.
        latest = store.latest_network()
    assert commands == 3 * n_assets
    assert latest is not None and latest.taken_at >= asked.created_at - timedelta(seconds=1)
    offered = {m.machine_id: m for m in latest.machines}
    assert sum(offered[busiest].capacity_hours) > 0


def test_a_run_started_mid_day_plans_days_from_utc_midnight(
    demo_scenario: Scenario, store_url: str, broker: PrivateBroker
) -> None:
    """Its periods are the days the machines' shifts and the customers' orders count in.

    A run started at 14:37 planned periods of 14:37 to 14:37, so its first
    plan's period 0 ended in the next day's afternoon, and an order due at
    midnight fell in another period than its day's.
    """
    started = datetime(2026, 12, 4, 14, 37, 12, tzinfo=UTC)
    loop = live_loop(demo_scenario, store_url, broker, clock=NetworkClock(VirtualClock(started)))

    async def run() -> Plan:
        async with running(loop):
            [first] = await eventually(store_url, lambda s: s.plans())
        return first

    first = asyncio.run(run())
    assert first.created_at == started
    assert first.window.start == datetime(2026, 12, 4, tzinfo=UTC)
    assert first.window.period_start(1) == datetime(2026, 12, 5, tzinfo=UTC)


def test_a_sensor_is_judged_silent_on_the_networks_clock_not_the_walls(
    demo_scenario: Scenario, store_url: str, broker: PrivateBroker
) -> None:
    """Two network hours pass in a wall second: the shelf that went quiet is silent.

    The network's clock is moved by hand, as an accelerated fleet moves it;
    on the wall the shelf last spoke a moment ago.
    """
    wall = VirtualClock(datetime.now(UTC))
    loop = live_loop(demo_scenario, store_url, broker, clock=NetworkClock(wall))
    topic = str(topic_of(demo_scenario.network, "W-DUI", "telemetry"))

    async def run() -> list[Any]:
        async with running(loop):
            await mosquitto_pub(broker.port, topic, shelf("W-DUI", 0, 300))
            await eventually(store_url, lambda s: len(s.readings("W-DUI", EPOCH, LATER)) == 1)
            wall.advance(timedelta(hours=2))
            return await eventually(
                store_url,
                lambda s: [a for a in s.alerts(EPOCH, LATER) if a.kind is AlertKind.SENSOR_SILENT],
            )

    started = datetime.now(UTC)
    silent = asyncio.run(run())
    assert datetime.now(UTC) - started < timedelta(minutes=5), "on the wall, minutes at most"
    assert [a.asset_id for a in silent] == ["W-DUI"]
    assert "W-DUI-shelf silent for 1" in silent[0].message


def test_a_stop_is_not_held_up_by_commands_the_broker_cannot_take(
    demo_scenario: Scenario, store_url: str
) -> None:
    """With the broker down, a stop ends the run within one publish timeout, everything recorded.

    The first plan's 18 commands were published one after another, each
    given 10 s to reach the broker: SIGTERM during that dispatch took 175 s
    to end `run`. The plan and every command are recorded before any is
    published, so the next run (which commands every asset at its first
    plan) loses nothing.
    """
    directory = InlineDirectory.start(demo_scenario.network, store_url=store_url)
    loop = LiveLoop(
        network=demo_scenario.network,
        planning=demo_scenario.planning,
        directory=directory,
        store_url=store_url,
        brokers=Brokers.same(f"mqtt://127.0.0.1:{free_port()}"),  # nobody listens
        settings=FAST,
    )

    async def run() -> set[str]:
        stop = asyncio.Event()
        task = asyncio.create_task(loop.run(stop))
        [plan] = await eventually(store_url, lambda s: s.plans(), timeout_s=60)
        commands = await eventually(store_url, lambda s: s.commands(plan.plan_id))
        stop.set()
        await asyncio.wait_for(task, 8.0)  # under one 10 s publish timeout
        return {c.asset_id for c in commands}

    commanded = asyncio.run(run())
    net = demo_scenario.network
    assert {*(m.id for m in net.machines), *(v.id for v in net.vehicles)} <= commanded
    assert loop.stats.plans == 1
    assert loop.stats.unsent == loop.stats.commands == len(commanded)
