"""The ingest against a real Mosquitto and a real store (SQLite, PostgreSQL).

Fault tests of issue 4: the broker restarted mid-stream loses nothing;
every message delivered twice leaves the same stored state; a flood of
malformed payloads leaves the consumer running and every payload in the
dead letters. The consumer killed mid-stream is `test_crash.py`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.mqtt.broker import Session
from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.sink import StoreSink
from adapters.store import open_store
from supplysync.commands import CommandAck
from supplysync.readings import READING_ADAPTER, Reading
from tests.adapters.mqtt.conftest import CountingSink, publish_all
from tests.adapters.mqtt.payloads import ACK, EVENTS, TELEMETRY, ack, encode, gateway, reading, scan
from tests.brokers import PrivateBroker

EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def stored_readings(url: str, asset: str = "m1") -> list[Reading]:
    with open_store(url) as store:
        return store.readings(asset, *EVER)


def ingest(broker: PrivateBroker, sink: CountingSink, **kwargs: Any) -> MqttIngest:
    return MqttIngest(broker=broker.url, sink=sink, seed=0, **kwargs)


def test_readings_batches_and_acks_are_recorded_and_handed_on(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    acks: list[CommandAck] = []
    messages = [
        (TELEMETRY, encode(reading(1))),
        (EVENTS, encode(gateway([scan(1), scan(2)]))),
        (ACK, encode(ack("c1", "received"))),
    ]

    async def run() -> list[Reading]:
        async with StoreSink(url=url, on_ack=acks.append) as store:
            sink = CountingSink(store)
            async with ingest(broker, sink) as running:
                await running.wait_connected()
                await publish_all(broker.port, messages)
                await sink.reach(4)
        return sink.readings

    handed = asyncio.run(run())
    assert [(r.kind, r.seq) for r in handed] == [
        ("temperature", 1),
        ("rfid_scan", 1),
        ("rfid_scan", 2),
    ]
    assert stored_readings(url) == handed
    assert [(a.command_id, a.status) for a in acks] == [("c1", "received")]
    with open_store(url) as store:
        assert [a.status for a in store.acks("c1")] == ["received"]


def test_messages_held_before_their_write_count_as_pending_and_unacked(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    messages = [
        (TELEMETRY, encode(reading(1))),  # subscribed at QoS 0: nothing to acknowledge
        (EVENTS, encode(scan(1))),
        (ACK, encode(ack("c1", "received"))),
    ]

    async def run() -> tuple[int, int, int, int]:
        async with StoreSink(url=url) as store:
            sink = CountingSink(store)
            sink.gate.clear()
            async with ingest(broker, sink) as running:
                await running.wait_connected()
                await publish_all(broker.port, messages)
                async with asyncio.timeout(10):
                    while running.pending_messages < 3:
                        await asyncio.sleep(0.01)
                held = (running.pending_messages, running.unacked_messages)
                sink.gate.set()
                await sink.reach(3)
                return (*held, running.pending_messages, running.unacked_messages)

    assert asyncio.run(run()) == (3, 2, 0, 0)


def test_every_message_delivered_twice_leaves_the_same_stored_state(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    once, twice = f"sqlite:///{tmp_path}/once.db", f"sqlite:///{tmp_path}/twice.db"
    messages = [(EVENTS, encode(scan(seq))) for seq in range(50)]
    messages += [(TELEMETRY, encode(gateway([reading(seq) for seq in range(10)])))]
    messages += [(ACK, encode(ack("c1", "done")))]

    async def run(url: str, client_id: str, deliveries: list[tuple[str, bytes]]) -> MqttIngest:
        async with StoreSink(url=url) as store:
            sink = CountingSink(store)
            session = Session(client_id=client_id)
            async with ingest(broker, sink, session=session) as running:
                await running.wait_connected()
                # the sentinel comes last from one publisher: once it is
                # recorded, everything before it was processed
                await publish_all(broker.port, [*deliveries, (ACK, encode(ack("end")))])
                await sink.reach(62)
        return running

    asyncio.run(run(once, "once", messages))
    running = asyncio.run(run(twice, "twice", [m for m in messages for _ in range(2)]))
    assert running.stats.duplicates == 60
    assert stored_readings(twice) == stored_readings(once)
    assert len(stored_readings(once)) == 60
    with open_store(twice) as a, open_store(once) as b:
        assert a.acks("c1") == b.acks("c1")


def test_a_flood_of_malformed_payloads_becomes_dead_letters_and_the_consumer_runs_on(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    garbage = [b"\xff\x00\xfe", b"", b"{", b'{"kind": "temperature"}', b"null", b"[]" * 100]
    flood = [(EVENTS, garbage[i % len(garbage)]) for i in range(500)]  # identical ones too
    flood += [("supplysync/plant-1/robot/r1/events", b"{}")] * 10  # a topic outside the scheme
    after = [(EVENTS, encode(scan(1)))]

    async def run() -> None:
        async with StoreSink(url=url) as store:
            sink = CountingSink(store)
            async with ingest(broker, sink) as running:
                await running.wait_connected()
                await publish_all(broker.port, flood + after)
                await sink.reach(len(flood) + 1)

    asyncio.run(run())
    with open_store(url) as store:
        letters = store.dead_letters(*EVER)
    assert Counter((d.topic, d.raw) for d in letters) == Counter(flood)
    assert all(d.reason for d in letters)
    assert [r.seq for r in stored_readings(url)] == [1]


def test_batches_are_bounded_in_readings_and_to_half_the_in_flight_window(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    gateways = [(EVENTS, encode(gateway([scan(3 * k + i) for i in range(3)]))) for k in range(6)]
    singles = [(EVENTS, encode(scan(100 + k))) for k in range(12)]

    async def run() -> list[int]:
        async with StoreSink(url=url) as store:
            sink = CountingSink(store)
            # A window of 4 allows batches of 2 messages; the deadline is long, so
            # every batch but the last closes because it is full.
            session = Session(client_id="bounded", receive_maximum=4)
            limits = {"batch_max_readings": 5, "batch_delay_s": 0.5}
            async with ingest(broker, sink, session=session, **limits) as running:
                await running.wait_connected()
                await publish_all(broker.port, gateways + singles)
                await sink.reach(30)
        return sink.batch_readings

    sizes = asyncio.run(run())
    # one gateway of 3 a batch (two would be 6 > 5); the last gateway with the first
    # single (4); then two singles a batch; the twelfth single alone, at the deadline
    assert sizes == [3] * 5 + [4] + [2] * 5 + [1]
    assert len(stored_readings(url)) == 30


def test_batch_max_readings_is_checked() -> None:
    sink = StoreSink(url="sqlite://")  # not entered: nothing opens
    with pytest.raises(ValueError, match="batch_max_readings >= 1"):
        MqttIngest(sink=sink, batch_max_readings=0)


def test_a_broker_restart_mid_stream_loses_no_qos1_event(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    events = [(EVENTS, encode(scan(seq))) for seq in range(600)]

    async def run() -> MqttIngest:
        async with StoreSink(url=url) as store:
            sink = CountingSink(store)
            # A small in-flight window keeps most events at the broker when it restarts.
            session = Session(client_id="restart", receive_maximum=20)
            async with ingest(broker, sink, session=session, batch_max=10) as running:
                await running.wait_connected()
                await publish_all(broker.port, events)
                await sink.reach(100)
                sink.gate.clear()  # what is in flight now stays unacknowledged
                await asyncio.to_thread(broker.restart)
                sink.gate.set()
                await running.wait_connected(times=2)
                await sink.reach(600, timeout_s=30)
        return running

    asyncio.run(run())
    assert sorted(r.seq for r in stored_readings(url)) == list(range(600))


def test_postgresql_holds_the_same_records(broker: PrivateBroker, pg_database: str) -> None:
    messages = [(EVENTS, encode(gateway([scan(seq, device="pg-gate") for seq in range(20)])))]
    messages = [*messages, *messages, (EVENTS, b"not json")]  # every batch delivered twice

    async def run() -> None:
        async with StoreSink(url=pg_database) as store:
            sink = CountingSink(store)
            async with ingest(broker, sink, session=Session(client_id="pg")) as running:
                await running.wait_connected()
                await publish_all(broker.port, messages)
                await sink.reach(21)

    asyncio.run(run())
    readings = sorted(stored_readings(pg_database), key=lambda r: r.seq)
    assert readings == [
        READING_ADAPTER.validate_python(scan(seq, device="pg-gate")) for seq in range(20)
    ]
    with open_store(pg_database) as store:
        assert [d.raw for d in store.dead_letters(*EVER)] == [b"not json"]
