"""Live-mode ingest: MQTT messages in, recorded durably, then acknowledged.

    async with StoreSink(url=db, on_readings=agents) as sink, \\
            MqttIngest(broker="mqtt://127.0.0.1:1883", sink=sink) as ingest:
        await ingest.wait_connected()
        ...

Two background tasks share a `GroupCommit` queue. `receive` keeps one
connection (fixed client id, persistent MQTT 5 session, reconnect with
jittered exponential backoff), decodes each message (`codec.decode`), drops
readings already seen (`dedupe.SeenWindow`) and queues the result with its
`Delivery`. `commit` takes batches (size or a ~10 ms deadline), records each
with one `sink.record` call, and only then acknowledges every QoS 1 message
of the batch, in arrival order (MQTT requires PUBACKs in order). Paho's
manual ack is on (see `broker.client`), so a crash before the write leaves
the messages unacknowledged, and the broker redelivers them to the session.

Batch size is bounded twice. In readings (`batch_max_readings`), because
that is what a write costs: a gateway message may carry thousands. And in
messages, to at most half the session's in-flight window
(`Session.receive_maximum`): the broker sends nothing more while the
window is full of unacknowledged messages, so a batch that may hold the
whole window stops the stream while it is written, and decoding the next
batch no longer overlaps the write. With half, the other half keeps coming.

Using both cores: one consumer process, with the store written on its own
thread while the event loop receives and decodes the next batch (sqlite3
and psycopg release the GIL while the database works), and the broker and
devices on the other core. `share_group` turns on MQTT shared subscriptions
(`$share/GROUP/...`) for N consumer processes, each with its own client id,
but a shared subscription deals a device's messages round-robin to the
consumers, so its readings reach the agents out of order, and the agents'
highest-sequence dedupe would drop the late ones and raise false gaps. It is
therefore off by default. Several consumers split by site instead: `sites`
subscribes to the named sites' topics only, and `adapters.mqtt.workers`
runs N consumer processes over a fixed assignment (`adapters.mqtt.partition`).

Where the time goes, flat out with 100-reading gateway messages of
temperatures, in instructions a reading (callgrind, which the load of other
work on this host does not move): decoding ~24,000 and the duplicate window
~1,800 on the event loop thread; writing ~16,700 on the store thread, since
sampled readings go many to a row (`adapters.store.batches`; 57,000 at one
row each). So the event loop thread, decoding, is the busier stage. A
second consumer process (split by site, to keep each device in order)
shares the second core with the broker and the devices, and must not be a
second writer to an SQLite file, whose writers take turns: partitioned
ingest runs on PostgreSQL only (`adapters.mqtt.workers`, measured in
`benchmarks.ingest_partitioned`).

Errors: a sink failure ends the ingest with `SinkError` (nothing of that
batch was acknowledged); the broker going away is retried forever. So is
the database going away: `StoreSink.record` returns only once the batch is
written, however long that takes, and the batch stays unacknowledged
meanwhile (its connection to the broker stands, so nothing is redelivered).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiomqtt

from adapters.mqtt import topics
from adapters.mqtt.batching import GroupCommit
from adapters.mqtt.broker import DEFAULT_BROKER, Backoff, BrokerAddress, Session, client, paho
from adapters.mqtt.codec import Orders, Readings, Skew, decode
from adapters.mqtt.dedupe import SeenWindow
from adapters.mqtt.delivery import Delivery, Link
from adapters.mqtt.errors import SinkError
from adapters.mqtt.roster import Roster
from adapters.mqtt.sink import Batch, Sink
from supplysync.clock import Clock, WallClock
from supplysync.commands import CommandAck
from supplysync.deadletters import DeadLetter
from supplysync.orders import OrderMessage
from supplysync.readings import Reading

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelQos:
    """Subscription QoS per inbound channel.

    Telemetry may be QoS 0 (high rate, a lost reading is a gap the agents
    notice); events, acks and customer orders change state and must be QoS 1,
    so that they are acknowledged only once recorded.
    """

    telemetry: int = 0
    events: int = 1
    ack: int = 1
    orders: int = 1

    def __post_init__(self) -> None:
        if self.telemetry not in (0, 1):
            raise ValueError(f"Expected telemetry QoS 0 or 1, got {self.telemetry}.")
        if self.events != 1 or self.ack != 1 or self.orders != 1:
            raise ValueError(
                f"Expected QoS 1 for the state-changing events, ack and orders channels, "
                f"got events={self.events}, ack={self.ack}, orders={self.orders}."
            )


@dataclass(slots=True)
class IngestStats:
    """Counters since start, for logs, tests and the benchmark."""

    messages: int = 0
    readings: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    acks: int = 0
    orders: int = 0
    batches: int = 0
    connects: int = 0


@dataclass(frozen=True, slots=True)
class _Item:
    delivery: Delivery
    readings: list[Reading]
    ack: CommandAck | None = None
    letter: DeadLetter | None = None
    orders: OrderMessage | None = None


class MqttIngest:
    """Subscribes to telemetry, events and acks of every asset, and customer orders; records them.

    Args:
        sink: where batches are recorded before their messages are acknowledged.
        broker: `mqtt://[user[:pass]@]host[:port]`.
        session: the persistent session (fixed client id, expiry, in-flight window).
        qos: subscription QoS per channel.
        batch_max: messages per group commit at most (and at most half of
            `session.receive_maximum`, see above).
        batch_delay_s: how long a batch waits to fill.
        dedupe_window: `(asset_id, device_id, seq)` keys remembered.
        share_group: subscribe as `$share/GROUP/...` (several consumers).
        backoff: reconnect delays.
        clock: the network's clock: stamps dead letters, and `skew` is judged on it.
        seed: seeds the backoff jitter.
        batch_max_readings: readings per group commit at most (an ack or a
            dead letter counts as one; a bigger message is a batch of its own).
            8,192 is two full insert statements (`adapters.store.inserts`);
            2,048 to 16,384 measure alike, 1,000 (ten gateway messages) not.
        roster: the network's assets; a message on a topic whose site or
            kind is not its asset's becomes a dead letter. None takes every
            topic in the scheme (tests, and tools that replay raw streams).
        skew: how far from `clock` a reading's time may be (`codec.Skew`);
            None takes any time in the supported years.
        sites: subscribe to these sites' topics only (one consumer of a
            partitioned ingest, `adapters.mqtt.partition`); None is every
            site. An empty sequence subscribes to nothing.
    """

    def __init__(
        self,
        *,
        sink: Sink,
        broker: str = DEFAULT_BROKER,
        session: Session | None = None,
        qos: ChannelQos | None = None,
        batch_max: int = 2_000,
        batch_delay_s: float = 0.01,
        dedupe_window: int = 100_000,
        share_group: str | None = None,
        backoff: Backoff | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
        batch_max_readings: int = 8_192,
        roster: Roster | None = None,
        skew: Skew | None = None,
        sites: Sequence[str] | None = None,
    ) -> None:
        if sites is not None and share_group is not None:
            raise ValueError("Expected either sites (partitioned ingest) or share_group, not both.")
        if sites is not None:
            for site in sites:
                topics.subscription("telemetry", site)  # raises on a site no filter can name
        if share_group is not None and (not share_group or set("/+#") & set(share_group)):
            raise ValueError(f"Expected a share group without '/', '+', '#', got {share_group!r}.")
        if batch_max_readings < 1:
            raise ValueError(f"Expected batch_max_readings >= 1, got {batch_max_readings}.")
        self._address = BrokerAddress.parse(broker)
        self._session = session or Session(client_id="supplysync-ingest")
        self._qos = qos or ChannelQos()
        self._pending: GroupCommit[_Item] = GroupCommit(
            max_items=min(batch_max, max(1, self._session.receive_maximum // 2)),
            max_weight=batch_max_readings,
            max_delay_s=batch_delay_s,
        )
        self._seen = SeenWindow(capacity=dedupe_window)
        self._sink = sink
        self._roster = roster
        self._skew = skew
        self._share = share_group
        self._sites = None if sites is None else tuple(sites)
        self._backoff = backoff or Backoff()
        self._clock = clock or WallClock()
        self._rng = random.Random(seed)
        self._connected = asyncio.Event()
        self._changed = asyncio.Event()
        self._tasks: asyncio.TaskGroup | None = None
        self._running: list[asyncio.Task[None]] = []
        self._writing = 0
        self._unacked = 0
        self.stats = IngestStats()

    async def __aenter__(self) -> Self:
        self._tasks = asyncio.TaskGroup()
        await self._tasks.__aenter__()
        self._running = [
            self._tasks.create_task(self._receive(), name="mqtt-ingest.receive"),
            self._tasks.create_task(self._commit(), name="mqtt-ingest.commit"),
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

    async def wait_connected(self, times: int = 1) -> None:
        """Return once connected and subscribed now, and at least `times` times since start."""
        while not (self._connected.is_set() and self.stats.connects >= times):
            await self._changed.wait()

    def _set_connected(self, up: bool) -> None:
        if up:
            self.stats.connects += 1
            self._connected.set()
        else:
            self._connected.clear()
        self._changed.set()
        self._changed = asyncio.Event()

    @property
    def pending_messages(self) -> int:
        """Messages received but not yet acknowledged: queued, or in the batch being recorded.

        A batch is acknowledged once recorded and handed on to the agents, so
        a count that keeps growing means the store or the agents cannot keep
        up (the live loop reports it as a queue depth).
        """
        return len(self._pending) + self._writing

    @property
    def unacked_messages(self) -> int:
        """Of `pending_messages`, those received at QoS 1, which the broker holds in flight.

        When they fill the session's receive window the broker stops sending.
        """
        return self._unacked

    def subscriptions(self) -> list[tuple[str, int]]:
        """The topic filters and QoS this ingest subscribes to."""
        prefix = f"$share/{self._share}/" if self._share else ""
        qos: dict[topics.Channel, int] = {
            "telemetry": self._qos.telemetry,
            "events": self._qos.events,
            "ack": self._qos.ack,
            "orders": self._qos.orders,
        }
        return [
            (prefix + topics.subscription(channel, site), q)
            for site in (self._sites if self._sites is not None else ("+",))
            for channel, q in qos.items()
        ]

    async def _receive(self) -> None:
        attempt = 0
        while True:
            try:
                async with client(self._address, self._session, manual_ack=True) as mqtt:
                    link = Link(paho(mqtt))
                    try:
                        for topic_filter, qos in self.subscriptions():
                            await mqtt.subscribe(topic_filter, qos=qos)
                        self._set_connected(True)
                        attempt = 0
                        async for message in mqtt.messages:
                            self._accept(message, link)
                    finally:
                        link.alive = False
                        self._set_connected(False)
            except aiomqtt.MqttError as exc:
                delay = self._backoff.delay(attempt, self._rng)
                attempt += 1
                log.warning("mqtt ingest: %s; reconnecting in %.2fs", exc, delay)
                await asyncio.sleep(delay)

    def _accept(self, message: aiomqtt.Message, link: Link) -> None:
        payload = message.payload
        raw = payload if isinstance(payload, bytes) else str(payload).encode()
        stats = self.stats
        decoded = decode(
            message.topic.value,
            raw,
            at=self._clock.now(),
            n=stats.messages,
            roster=self._roster,
            skew=self._skew,
        )
        stats.messages += 1
        delivery = Delivery(link, message.mid, message.qos)
        if message.qos:
            self._unacked += 1
        if isinstance(decoded, Readings):
            fresh = self._seen.fresh(decoded.readings)
            stats.duplicates += len(decoded.readings) - len(fresh)
            self._pending.put(_Item(delivery, fresh), max(1, len(fresh)))
        elif isinstance(decoded, CommandAck):
            self._pending.put(_Item(delivery, [], ack=decoded))
        elif isinstance(decoded, Orders):
            orders = decoded.message
            weight = len(orders.orders) + len(orders.deliveries) + len(orders.cancellations)
            self._pending.put(_Item(delivery, [], orders=orders), weight)
        else:
            self._pending.put(_Item(delivery, [], letter=decoded))

    async def _commit(self) -> None:
        while True:
            items = await self._pending.take()
            batch = Batch(
                readings=[r for item in items for r in item.readings],
                acks=[item.ack for item in items if item.ack is not None],
                letters=[item.letter for item in items if item.letter is not None],
                orders=[o for item in items if item.orders for o in item.orders.orders],
                deliveries=[d for item in items if item.orders for d in item.orders.deliveries],
                cancellations=[
                    c for item in items if item.orders for c in item.orders.cancellations
                ],
            )
            self._writing = len(items)
            try:
                await self._sink.record(batch)
            except Exception as exc:
                raise SinkError(f"recording {len(items)} messages failed: {exc}") from exc
            self._writing = 0
            for item in items:
                item.delivery.ack()
                if item.delivery.qos:
                    self._unacked -= 1  # acknowledged, or left to the broker's redelivery
            stats = self.stats
            stats.batches += 1
            stats.readings += len(batch.readings)
            stats.acks += len(batch.acks)
            stats.dead_letters += len(batch.letters)
            stats.orders += len(batch.orders)
