"""Commands out and their answers back, through a real broker and store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import aiomqtt
import pytest

from adapters.mqtt.dispatch import FINAL, CommandDispatcher
from adapters.mqtt.errors import BrokerError
from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.sink import StoreSink
from adapters.mqtt.topics import Topic
from adapters.mqtt.tracking import CommandTracker, Outcome
from adapters.store import open_store
from supplysync.clock import VirtualClock
from supplysync.commands import Command, CommandAck
from tests.adapters.mqtt.test_tracking import T0, command
from tests.brokers import PrivateBroker, free_port

CMD = Topic("depot-1", "vehicle", "v1", "cmd")


async def device(port: int, subscribed: asyncio.Event) -> Command:
    """A vehicle that answers its first command with `received`, then `done`."""
    async with aiomqtt.Client("127.0.0.1", port, identifier="v1") as client:
        await client.subscribe(str(CMD), qos=1)
        subscribed.set()
        async for message in client.messages:
            assert isinstance(message.payload, bytes)
            got = Command.model_validate_json(message.payload)
            for status in ("received", "done"):
                answer = CommandAck(command_id=got.command_id, asset_id="v1", ts=T0, status=status)
                await client.publish(str(CMD.on("ack")), answer.model_dump_json(), qos=1)
            return got
    raise AssertionError("no command arrived")


def test_a_command_is_recorded_published_and_tracked_to_done(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    url = f"sqlite:///{tmp_path}/events.db"
    clock = VirtualClock(T0)

    async def run() -> tuple[Command, Outcome]:
        async with (
            # a lambda: `dispatcher` is bound only on the next line
            StoreSink(url=url, on_ack=lambda a: dispatcher.acknowledge(a)) as sink,  # noqa: PLW0108
            CommandDispatcher(journal=sink, broker=broker.url, clock=clock) as dispatcher,
            MqttIngest(broker=broker.url, sink=sink, clock=clock) as ingest,
        ):
            await ingest.wait_connected()
            subscribed = asyncio.Event()
            vehicle = asyncio.create_task(device(broker.port, subscribed))
            await subscribed.wait()
            sent = await dispatcher.send(command(), to=CMD)
            assert sent.outcome is Outcome.PENDING
            received = await vehicle
            status = await dispatcher.settled("c1", outcomes=FINAL)
            return received, status.outcome

    received, outcome = asyncio.run(run())
    assert received == command()
    assert outcome is Outcome.DONE
    with open_store(url) as store:
        assert store.commands("p1") == [command()]
        assert sorted(a.status for a in store.acks("c1")) == ["done", "received"]


def test_an_unanswered_command_times_out_on_the_injected_clock(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    clock = VirtualClock(T0)

    async def run() -> Outcome:
        async with (
            StoreSink(url=f"sqlite:///{tmp_path}/events.db") as sink,
            CommandDispatcher(
                journal=sink,
                broker=broker.url,
                clock=clock,
                tracker=CommandTracker(timeout=timedelta(seconds=30)),
                tick_s=0.01,
            ) as dispatcher,
        ):
            await dispatcher.send(command(), to=CMD)
            waiting = asyncio.create_task(dispatcher.settled("c1"))
            await asyncio.sleep(0.05)  # several ticks at T0: nothing may expire yet
            assert not waiting.done()
            clock.advance(timedelta(seconds=30))
            return (await asyncio.wait_for(waiting, 5)).outcome

    assert asyncio.run(run()) is Outcome.TIMED_OUT


def test_a_command_for_a_device_never_connected_reaches_it_when_it_connects(
    broker: PrivateBroker, tmp_path: Path
) -> None:
    """No session exists for a device that never connected, so QoS 1 alone would drop it."""
    url = f"sqlite:///{tmp_path}/events.db"
    clock = VirtualClock(T0)

    async def run() -> tuple[Command, Outcome]:
        async with (
            # a lambda: `dispatcher` is bound only on the next line
            StoreSink(url=url, on_ack=lambda a: dispatcher.acknowledge(a)) as sink,  # noqa: PLW0108
            CommandDispatcher(journal=sink, broker=broker.url, clock=clock) as dispatcher,
            MqttIngest(broker=broker.url, sink=sink, clock=clock) as ingest,
        ):
            await ingest.wait_connected()
            await dispatcher.send(command(), to=CMD)
            subscribed = asyncio.Event()
            received = await asyncio.wait_for(device(broker.port, subscribed), 10)
            status = await dispatcher.settled("c1", outcomes=FINAL)
            return received, status.outcome

    received, outcome = asyncio.run(run())
    assert received == command()
    assert outcome is Outcome.DONE


def test_a_plans_commands_are_recorded_together_and_each_gets_its_own_answer() -> None:
    """With nobody listening, every command is recorded and tracked, and each send fails alone."""
    journal: list[list[Command]] = []

    class Journal:
        async def append(self, records: Sequence[Command]) -> None:
            journal.append(list(records))

    commands = [command(f"c{i}", asset=f"v{i}") for i in range(3)]
    topics = [Topic("depot-1", "vehicle", f"v{i}", "cmd") for i in range(3)]

    async def run() -> list[tuple[Outcome, bool]]:
        async with CommandDispatcher(
            journal=Journal(), broker=f"mqtt://127.0.0.1:{free_port()}", publish_timeout_s=0.5
        ) as dispatcher:
            sent = await dispatcher.send_all(list(zip(commands, topics, strict=True)))
        return [(status.outcome, isinstance(error, BrokerError)) for status, error in sent]

    assert asyncio.run(run()) == [(Outcome.PENDING, True)] * 3
    assert journal == [commands]


def test_a_command_for_another_asset_is_refused_before_anything_is_recorded() -> None:
    journal: list[Sequence[Command]] = []

    class Journal:
        async def append(self, records: Sequence[Command]) -> None:
            journal.append(records)

    async def run() -> None:
        async with CommandDispatcher(
            journal=Journal(), broker=f"mqtt://127.0.0.1:{free_port()}"
        ) as d:
            with pytest.raises(ValueError, match="v2"):
                await d.send_all(
                    [(command("c1", asset="v1"), CMD), (command("c2", asset="v2"), CMD)]
                )
            assert d.status("c1") is None

    asyncio.run(run())
    assert journal == []


def test_a_plans_commands_sent_together_raise_no_backlog_warning(
    broker: PrivateBroker, caplog: pytest.LogCaptureFixture
) -> None:
    """aiomqtt warns when more than 10 publishes wait for their PUBACK; one plan is not a backlog.

    `supplysync run` printed "There are 18 pending publish calls." for every
    plan of the demo, a warning an operator cannot act on.
    """
    journal: list[list[Command]] = []

    class Journal:
        async def append(self, records: Sequence[Command]) -> None:
            journal.append(list(records))

    n = 40
    commands = [command(f"c{i}", asset=f"v{i}") for i in range(n)]
    topics = [Topic("depot-1", "vehicle", f"v{i}", "cmd") for i in range(n)]

    async def run() -> list[BrokerError | None]:
        async with CommandDispatcher(journal=Journal(), broker=broker.url) as dispatcher:
            sent = await dispatcher.send_all(list(zip(commands, topics, strict=True)))
        return [error for _, error in sent]

    with caplog.at_level("WARNING"):
        errors = asyncio.run(run())
    assert errors == [None] * n
    assert journal == [commands]
    assert [r.getMessage() for r in caplog.records if "pending publish" in r.getMessage()] == []
