"""Partitioned ingest: N consumer processes, each owning a fixed set of sites.

    async with IngestWorkers(store_url=pg, broker=url, n=2, network=net,
                             on_committed=handle) as workers:
        await workers.wait_connected()
        ...

One consumer (`ingest.MqttIngest`) is bound by its event-loop thread,
decoding; the GIL makes a second consumer in the same process useless. So
each consumer here is a process of its own (`spawn`, not `fork`: the parent
runs threads and may run Ray), with its own MQTT client id and persistent
session (`partition.client_id`), its own store connection and its own
duplicate window, subscribed only to its sites' topics (`partition`). It
records each batch in the store and acknowledges the batch's messages after
its own commit, exactly as a single consumer does: a consumer killed at any
point loses nothing it acknowledged, and the broker redelivers the rest to
its session when it comes back. Per-device order holds because every device
of a site is on the one consumer that owns the site.

Concurrent writers need a store that takes them: PostgreSQL does (the
consumers write disjoint assets, so their rows, and the `latest_readings`
upserts keyed by asset, never contend). SQLite has one writer at a time
(a second waits on the file lock, and waits past `busy_timeout` fail), so
`IngestWorkers` refuses N > 1 on SQLite rather than run consumers that
take turns.

How committed readings reach the agents: after each commit, before
acknowledging, a consumer sends what it committed (readings, command acks,
orders, proofs of delivery, cancellations; not dead letters, which only the
store wants) to the parent over a one-way pipe, `Committed`. One thread per
consumer in the parent receives them in order and runs `on_committed` on
the parent's event loop, waiting for it to finish before taking the next:
so the parent (the live loop) hands each consumer's readings to the agents
in the order they were committed, and a parent slower than the consumers
fills the pipe, which holds the consumer's next acknowledgement back, which
stops the broker once the session's in-flight window is full (the same back
pressure as one consumer). The acknowledgement does not wait for the
agents: if the parent dies with readings in the pipe, they are in the store
and the agents' hosts rebuild from it, as after a host failure. The
alternative, the loop reading back what the consumers committed, would need
a commit-ordered cursor over a store written concurrently, which row ids
are not (they commit out of order).

What the pipe costs: pickling a reading takes 4.6 µs in the consumer and
unpickling it 6.8 µs here (8,192 temperatures, this 2-core host); the
benchmark leaves it out (`forward="latency"`). In `supplysync run` it is
not what bounds the rate: every reading still goes through the loop's one
`agents` thread to the agents (35,000-58,000 readings/s sharded, README
"Readings through the agents"), so N consumers raise how fast readings are
made durable and acknowledged, and the agents' hand-off, which this does
not partition, is where `run` tops out end to end (not measured with N).

Supervision: a consumer that dies (SIGKILL, an error) is started again
after `restart_delay_s` with the same client id, so it resumes its session
and the broker redelivers what it had not acknowledged. A consumer whose
parent died exits within a second (it watches its parent's pid), so a
killed loop leaves no orphans holding the sessions.

Messages on a site outside the network reach no consumer (nobody
subscribes to that site's topics); a single consumer would have recorded
them as dead letters, N consumers leave them on the broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from array import array
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Literal, Self

from adapters.mqtt.broker import BrokerAddress, Session
from adapters.mqtt.clock import ClockFollower
from adapters.mqtt.codec import Skew
from adapters.mqtt.collector import tune_for_ingest
from adapters.mqtt.ingest import ChannelQos, IngestStats, MqttIngest
from adapters.mqtt.partition import client_id, partition
from adapters.mqtt.roster import Roster
from adapters.mqtt.sink import Batch, StoreSink
from supplysync.clock import NetworkClock
from supplysync.commands import CommandAck
from supplysync.deadletters import DeadLetter
from supplysync.network import Network
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.readings import Reading

log = logging.getLogger(__name__)

Forward = Literal["batches", "latency"]
"""What a consumer sends the parent after a commit: the records (the live
loop), or only each reading's age at commit (the benchmark, which measures
the ingest and not the pickling of readings for agents it does not run)."""


@dataclass(frozen=True, slots=True)
class Ready:
    """A consumer is connected and subscribed."""

    worker: int


@dataclass(frozen=True, slots=True)
class Queues:
    """A consumer's queues now (`MqttIngest.pending_messages`, `unacked_messages`).

    Sent every `QUEUES_EVERY_S`, not with each batch: a batch is sent
    before its acknowledgement, so its own messages would always count.
    """

    worker: int
    pending: int
    unacked: int


QUEUES_EVERY_S = 1.0
"""How stale the loop's view of the consumers' queues may be (its status is every 5 s)."""


@dataclass(frozen=True, slots=True)
class Committed:
    """What one consumer's batch committed, sent before its messages are acknowledged.

    `count` is the batch's readings (also when only their `ages_s`, seconds
    from each reading's timestamp to the commit, are sent).
    """

    worker: int
    count: int
    readings: Sequence[Reading] = ()
    acks: Sequence[CommandAck] = ()
    orders: Sequence[CustomerOrder] = ()
    deliveries: Sequence[ProofOfDelivery] = ()
    cancellations: Sequence[OrderCancellation] = ()
    ages_s: array[float] | None = None


Handler = Callable[[Committed], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class WorkerSpec:
    """Everything one consumer process needs (pickled to it at spawn)."""

    index: int
    n: int
    sites: tuple[str, ...]
    broker: str
    store_url: str
    network: Network | None = None
    qos: ChannelQos | None = None
    skew: Skew | None = None
    forward: Forward = "batches"
    receive_maximum: int = 1_000
    batch_max: int = 2_000
    follow_clock: bool = True
    session_prefix: str = "supplysync-ingest"
    parent_pid: int = field(default_factory=os.getpid)


def check_store(store_url: str, n: int) -> None:
    """Refuse N > 1 consumers on SQLite (see the module doc); ValueError naming the flag."""
    if n < 1:
        raise ValueError(f"--ingest-workers: expected at least 1, got {n}")
    if n > 1 and not store_url.startswith(("postgresql://", "postgres://")):
        raise ValueError(
            f"--ingest-workers {n}: SQLite takes one writer at a time, so partitioned "
            "ingest needs a PostgreSQL store (--db postgresql://...); use 1 with SQLite"
        )


class IngestWorkers:
    """N consumer processes over a partition of the sites, and a thread per pipe here.

    Args:
        store_url: the store every consumer commits to (PostgreSQL when n > 1).
        broker: `mqtt://...` as the ingest logs in.
        n: consumers.
        on_committed: run on this event loop for each `Committed`, in each
            consumer's commit order (one at a time per consumer).
        network: the assets; gives the sites (`partition.partition`) and
            each consumer's roster. Without it, `sites` must be given.
        sites: the sites of each consumer, overriding the partition (the
            benchmark's synthetic sites).
        qos, skew, forward, receive_maximum, batch_max: as `WorkerSpec`.
        follow_clock: each consumer follows the fleet's clock on the broker.
        restart_delay_s: wait before starting a dead consumer again.
        session_prefix: the consumers' client ids (`partition.client_id`).
    """

    def __init__(
        self,
        *,
        store_url: str,
        broker: str,
        n: int,
        on_committed: Handler,
        network: Network | None = None,
        sites: Sequence[Sequence[str]] | None = None,
        qos: ChannelQos | None = None,
        skew: Skew | None = None,
        forward: Forward = "batches",
        receive_maximum: int = 1_000,
        batch_max: int = 2_000,
        follow_clock: bool = True,
        restart_delay_s: float = 0.5,
        session_prefix: str = "supplysync-ingest",
    ) -> None:
        check_store(store_url, n)
        BrokerAddress.parse(broker)
        if sites is None:
            if network is None:
                raise ValueError("Expected a network or the sites of each consumer.")
            sites = partition(network, n)
        if len(sites) != n:
            raise ValueError(f"Expected the sites of {n} consumers, got {len(sites)}.")
        self._specs = [
            WorkerSpec(
                index=i,
                n=n,
                sites=tuple(own),
                broker=broker,
                store_url=store_url,
                network=network,
                qos=qos,
                skew=skew,
                forward=forward,
                receive_maximum=receive_maximum,
                batch_max=batch_max,
                follow_clock=follow_clock,
                session_prefix=session_prefix,
            )
            for i, own in enumerate(sites)
        ]
        self._on_committed = on_committed
        self._restart_delay_s = restart_delay_s
        self._spawn = multiprocessing.get_context("spawn")
        self._processes: list[BaseProcess | None] = [None] * n
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = [asyncio.Event() for _ in range(n)]
        self._readings = [0] * n
        self._pending = [0] * n
        self._unacked = [0] * n
        self.restarts = 0

    @property
    def sites(self) -> list[tuple[str, ...]]:
        """The sites of each consumer."""
        return [spec.sites for spec in self._specs]

    @property
    def stats(self) -> IngestStats:
        """Readings committed by all consumers since start (the loop status's total)."""
        return IngestStats(readings=sum(self._readings))

    @property
    def pending_messages(self) -> int:
        """Messages received but not acknowledged, over all consumers, as last reported."""
        return sum(self._pending)

    @property
    def unacked_messages(self) -> int:
        """Of those, the QoS 1 ones, over all consumers, as last reported."""
        return sum(self._unacked)

    def pids(self) -> list[int]:
        """The process ids of the consumers running now."""
        return [p.pid for p in self._processes if p is not None and p.pid is not None]

    def pid(self, index: int) -> int | None:
        """The process id of consumer `index` now (None between a death and its restart)."""
        process = self._processes[index]
        return None if process is None else process.pid

    async def wait_connected(self) -> None:
        """Return once every consumer has been connected and subscribed at least once."""
        for ready in self._ready:
            await ready.wait()

    async def __aenter__(self) -> Self:
        self._loop = asyncio.get_running_loop()
        for spec in self._specs:
            thread = threading.Thread(
                target=self._supervise, args=(spec,), name=f"ingest-{spec.index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """SIGTERM every consumer (what it received and did not commit stays unacknowledged)."""
        self._stopping.set()
        for process in self._processes:
            if process is not None and process.is_alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid or 0, signal.SIGTERM)
        for thread in self._threads:
            await asyncio.to_thread(thread.join)

    def _supervise(self, spec: WorkerSpec) -> None:
        """Thread: start consumer `spec.index`, relay its pipe, start it again when it dies."""
        while not self._stopping.is_set():
            receiving, sending = self._spawn.Pipe(duplex=False)
            process = self._spawn.Process(
                target=worker_main, args=(spec, sending), name=f"ingest-{spec.index}", daemon=True
            )
            process.start()
            sending.close()  # the child holds the only sending end: EOF here when it dies
            self._processes[spec.index] = process
            if self._stopping.is_set():  # stopped while this one started: it missed the signal
                os.kill(process.pid or 0, signal.SIGTERM)
            self._relay(spec.index, receiving)
            receiving.close()
            process.join()
            self._processes[spec.index] = None
            self._pending[spec.index] = self._unacked[spec.index] = 0  # the broker holds them
            if self._stopping.is_set():
                return
            self.restarts += 1
            log.warning(
                "ingest consumer %d exited (code %s); starting it again in %.1fs",
                spec.index,
                process.exitcode,
                self._restart_delay_s,
            )
            self._stopping.wait(self._restart_delay_s)

    def _relay(self, index: int, pipe: Connection) -> None:
        loop = self._loop
        assert loop is not None  # set on entry
        while True:
            try:
                message = pipe.recv()
            except (EOFError, OSError):
                return
            if isinstance(message, Ready):
                loop.call_soon_threadsafe(self._ready[index].set)
                continue
            if isinstance(message, Queues):
                self._pending[index], self._unacked[index] = message.pending, message.unacked
                continue
            self._readings[index] += message.count
            done = asyncio.run_coroutine_threadsafe(self._on_committed(message), loop)
            try:
                done.result()
            except Exception:
                log.exception("handing on consumer %d's batch failed", index)


class _Pipe:
    """The sending end, one message at a time (a `Connection` is not safe for two senders)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._sending = asyncio.Lock()

    async def send(self, message: Ready | Queues | Committed) -> None:
        # off the event loop, so a full pipe (a slow parent) holds the next
        # acks back without stalling the MQTT connection's keepalive
        async with self._sending:
            await asyncio.to_thread(self._connection.send, message)


class _Forwarding:
    """The consumer's sink: the store, then the parent, then (on return) the acks."""

    def __init__(self, spec: WorkerSpec, store: StoreSink, pipe: _Pipe) -> None:
        self._spec = spec
        self._store = store
        self._pipe = pipe

    async def record(self, batch: Batch) -> None:
        await self._store.record(batch)
        spec = self._spec
        if spec.forward == "latency":
            now = time.time()
            message = Committed(
                spec.index,
                len(batch.readings),
                ages_s=array("d", (now - r.ts.timestamp() for r in batch.readings)),
            )
        else:
            message = Committed(
                spec.index,
                len(batch.readings),
                readings=list(batch.readings),
                acks=list(batch.acks),
                orders=list(batch.orders),
                deliveries=list(batch.deliveries),
                cancellations=list(batch.cancellations),
            )
        await self._pipe.send(message)


def worker_main(spec: WorkerSpec, pipe: Connection) -> None:
    """A consumer process: runs until SIGTERM or its parent's death.

    SIGINT is ignored: Ctrl-C reaches the whole process group, and the
    parent, finishing its turn, stops the consumers itself; one that stopped
    on its own would be started again meanwhile.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(
        level=logging.INFO,
        format=f"supplysync ingest-{spec.index}: %(message)s",
        stream=sys.stderr,
    )
    tune_for_ingest()
    asyncio.run(_consume(spec, pipe))


async def _consume(spec: WorkerSpec, connection: Connection) -> None:
    pipe = _Pipe(connection)
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    running.add_signal_handler(signal.SIGTERM, stop.set)
    clock = NetworkClock()
    tasks: list[asyncio.Task[None]] = [
        asyncio.create_task(_watch_parent(spec.parent_pid, stop), name="ingest.parent")
    ]
    if spec.follow_clock:

        async def ignore(letter: DeadLetter) -> None:
            """The parent's own clock follower records a refused announcement."""

        follower = ClockFollower(
            address=BrokerAddress.parse(spec.broker),
            clock=clock,
            refused=ignore,
            client_id=f"{client_id(spec.index, spec.n, spec.session_prefix)}-clock",
        )
        tasks.append(asyncio.create_task(follower.run(), name="ingest.clock"))
    try:
        async with StoreSink(url=spec.store_url) as store:
            sink = _Forwarding(spec, store, pipe)
            async with MqttIngest(
                sink=sink,
                broker=spec.broker,
                session=Session(
                    client_id=client_id(spec.index, spec.n, spec.session_prefix),
                    receive_maximum=spec.receive_maximum,
                ),
                qos=spec.qos,
                batch_max=spec.batch_max,
                clock=clock,
                roster=None if spec.network is None else Roster(spec.network),
                skew=spec.skew,
                sites=spec.sites,
            ) as ingest:
                await ingest.wait_connected()
                await pipe.send(Ready(spec.index))
                while not stop.is_set():
                    await pipe.send(
                        Queues(spec.index, ingest.pending_messages, ingest.unacked_messages)
                    )
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), QUEUES_EVERY_S)
    finally:
        for task in tasks:
            task.cancel()


async def _watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    """Set `stop` once the parent is gone (this process is re-parented)."""
    while os.getppid() == parent_pid:
        await asyncio.sleep(1.0)
    log.warning("parent %d gone; stopping", parent_pid)
    stop.set()
