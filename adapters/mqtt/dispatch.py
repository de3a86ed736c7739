"""Commands out on `.../cmd`, tracked until the device answers on `.../ack`.

    async with StoreSink(url=db, on_ack=lambda a: dispatcher.acknowledge(a)) as sink, \\
            CommandDispatcher(journal=sink, broker=url) as dispatcher, \\
            MqttIngest(broker=url, sink=sink):
        await dispatcher.send(command, to=topic_of(network, command.asset_id, "cmd"))
        status = await dispatcher.settled(command.command_id)

A command is recorded in the journal (the event store) before it is
published, so the log holds every command that may have reached a device,
then published at QoS 1 and tracked (`tracking.CommandTracker`). Answers
come back through the ingest, which records them and calls `acknowledge`.
A background task checks deadlines on the injected clock every `tick_s`:
logic never reads the wall clock, so a test advances a `VirtualClock`.

Commands are published retained: the broker queues QoS 1 messages only for
a session it knows, so a command for a device that has never connected
(the live loop's first plan, made before the fleet is up) would be dropped.
Retained, each device's latest command waits on its `cmd` topic and arrives
the moment the device subscribes; every plan commands every asset, so the
latest is the one in force. A device that gets it again on a reconnect
answers it again without carrying it out twice (devices dedupe by
`command_id`).

Errors: `BrokerError` when a command cannot be published within
`publish_timeout_s` (raised from aiomqtt's error); the command is then
recorded and tracked, and times out unless the device answers after all;
the caller may send it again (devices dedupe by `command_id`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Final, Protocol, Self

import aiomqtt

from adapters.mqtt.broker import DEFAULT_BROKER, Backoff, BrokerAddress, Session, client
from adapters.mqtt.errors import BrokerError
from adapters.mqtt.topics import Topic
from adapters.mqtt.tracking import CommandStatus, CommandTracker, Outcome
from supplysync.clock import Clock, WallClock
from supplysync.commands import Command, CommandAck

log = logging.getLogger(__name__)

SETTLED: Final = frozenset(Outcome) - {Outcome.PENDING}
FINAL: Final = frozenset({Outcome.DONE, Outcome.REJECTED})


class Journal(Protocol):
    """Durable record of what was sent (`StoreSink` is one)."""

    async def append(self, records: Sequence[Command]) -> None: ...


class CommandDispatcher:
    """Publishes commands and keeps their status.

    Args:
        journal: where each command is recorded before it is published.
        broker: `mqtt://[user[:pass]@]host[:port]`.
        session: the publisher's persistent session.
        tracker: command bookkeeping (its timeout is the answer timeout).
        clock: the time deadlines are measured on.
        tick_s: how often deadlines are checked, in real seconds.
        publish_timeout_s: how long `send` waits for the broker's PUBACK,
            reconnects included.
        backoff: reconnect delays.
        seed: seeds the backoff jitter.
    """

    def __init__(
        self,
        *,
        journal: Journal,
        broker: str = DEFAULT_BROKER,
        session: Session | None = None,
        tracker: CommandTracker | None = None,
        clock: Clock | None = None,
        tick_s: float = 0.5,
        publish_timeout_s: float = 10.0,
        backoff: Backoff | None = None,
        seed: int | None = None,
    ) -> None:
        if not 0 < tick_s <= 60:
            raise ValueError(f"Expected 0 < tick_s <= 60, got {tick_s}.")
        if not 0 < publish_timeout_s <= 600:
            raise ValueError(f"Expected 0 < publish_timeout_s <= 600, got {publish_timeout_s}.")
        self._address = BrokerAddress.parse(broker)
        self._session = session or Session(client_id="supplysync-dispatch")
        self._journal = journal
        self._tracker = tracker or CommandTracker()
        self._clock = clock or WallClock()
        self._tick_s = tick_s
        self._publish_timeout_s = publish_timeout_s
        self._backoff = backoff or Backoff()
        self._rng = random.Random(seed)
        self._mqtt: aiomqtt.Client | None = None
        self._together = 0
        self._connected = asyncio.Event()
        self._changed = asyncio.Event()
        self._tasks: asyncio.TaskGroup | None = None
        self._running: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Self:
        self._tasks = asyncio.TaskGroup()
        await self._tasks.__aenter__()
        self._running = [
            self._tasks.create_task(self._connect(), name="mqtt-dispatch.connect"),
            self._tasks.create_task(self._expire(), name="mqtt-dispatch.expire"),
        ]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for task in self._running:
            task.cancel()
        if self._tasks is not None:
            await self._tasks.__aexit__(exc_type, exc, tb)
        self._tasks = None

    async def send(self, command: Command, *, to: Topic) -> CommandStatus:
        """Record `command`, publish it on `to` at QoS 1, and start tracking it."""
        [(status, error)] = await self.send_all([(command, to)])
        if error is not None:
            raise error
        return status

    async def send_all(
        self, addressed: Sequence[tuple[Command, Topic]]
    ) -> list[tuple[CommandStatus, BrokerError | None]]:
        """Record every command, then publish them all at once; per command its status and error.

        A plan's commands go out together: one after another, each given
        `publish_timeout_s`, a plan for 18 assets held its turn (and a stop)
        for three minutes while the broker was away. All are recorded and
        tracked before the first is published, so a caller that gives up
        (cancels) leaves nothing sent unrecorded.
        """
        if not addressed:
            return []
        for command, to in addressed:
            if to.channel != "cmd" or to.asset_id != command.asset_id:
                raise ValueError(f"Expected {command.asset_id!r}'s cmd topic, got {str(to)!r}.")
        await self._journal.append([command for command, _ in addressed])
        now = self._clock.now()
        # tracked before publishing: an ack may race the PUBACK
        statuses = [self._tracker.sent(command, now) for command, _ in addressed]
        self._notify()
        self._expect_together(len(addressed))
        errors = await asyncio.gather(
            *(
                self._published(str(to), command.model_dump_json().encode())
                for command, to in addressed
            )
        )
        return list(zip(statuses, errors, strict=True))

    async def _published(self, topic: str, payload: bytes) -> BrokerError | None:
        try:
            await self._publish(topic, payload)
        except BrokerError as exc:
            return exc
        return None

    def acknowledge(self, ack: CommandAck) -> None:
        """Fold in a recorded answer from a device (the ingest's sink calls this)."""
        if self._tracker.observe(ack, self._clock.now()) is None:
            log.info("ack for unknown command %s from %s", ack.command_id, ack.asset_id)
        self._notify()

    def status(self, command_id: str) -> CommandStatus | None:
        """Where the command stands now; None if this dispatcher never sent it."""
        return self._tracker.status(command_id)

    @property
    def commands_pending(self) -> int:
        """Commands sent whose device has not answered done or rejected, timed-out ones included.

        A timeout is only a suspicion (`tracking`); counting those commands
        keeps a fleet that stopped answering visible as a growing queue.
        """
        return self._tracker.unfinished()

    async def settled(
        self, command_id: str, *, outcomes: Collection[Outcome] = SETTLED
    ) -> CommandStatus:
        """The command's status once its outcome is one of `outcomes`.

        By default: once it is no longer pending (answered or timed out);
        `outcomes=FINAL` waits for the device to report it done or rejected.
        """
        while True:
            status = self._tracker.status(command_id)
            if status is None:
                raise KeyError(command_id)
            if status.outcome in outcomes:
                return status
            await self._changed.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _expect_together(self, n: int) -> None:
        """Let `n` publishes wait for their PUBACK together without a warning.

        aiomqtt warns once more than `pending_calls_threshold` (10) publishes
        are unanswered, which every plan for more than 10 assets is by
        design. The threshold follows the largest plan sent, so the warning
        still marks a backlog beyond one plan.
        """
        self._together = max(self._together, n)
        if self._mqtt is not None:
            self._mqtt.pending_calls_threshold = max(10, self._together)

    async def _publish(self, topic: str, payload: bytes) -> None:
        try:
            async with asyncio.timeout(self._publish_timeout_s):
                while True:
                    await self._connected.wait()
                    mqtt = self._mqtt
                    try:
                        if mqtt is not None:
                            await mqtt.publish(topic, payload, qos=1, retain=True)
                            return
                    except aiomqtt.MqttError as exc:
                        log.warning("publishing on %s failed (%s); retrying", topic, exc)
                        self._connected.clear()
        except TimeoutError as exc:
            raise BrokerError(
                f"could not publish on {topic} within {self._publish_timeout_s}s"
            ) from exc

    async def _connect(self) -> None:
        attempt = 0
        while True:
            try:
                async with client(self._address, self._session, manual_ack=False) as mqtt:
                    self._mqtt = mqtt
                    self._expect_together(self._together)
                    self._connected.set()
                    attempt = 0
                    try:
                        async for _ in mqtt.messages:  # none: it returns by raising on loss
                            pass
                    finally:
                        self._connected.clear()
                        self._mqtt = None
            except aiomqtt.MqttError as exc:
                delay = self._backoff.delay(attempt, self._rng)
                attempt += 1
                log.warning("mqtt dispatch: %s; reconnecting in %.2fs", exc, delay)
                await asyncio.sleep(delay)

    async def _expire(self) -> None:
        while True:
            if self._tracker.expire(self._clock.now()):
                self._notify()
            await asyncio.sleep(self._tick_s)
