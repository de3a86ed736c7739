"""Where the ingest puts a batch before it may acknowledge it.

    Sink.record(batch)  returns once the batch would survive a crash

`StoreSink` is the production sink: it appends the batch to the event store
in one transaction, then hands the readings to the agents and the command
acks to the dispatcher. The store is synchronous (sqlite3, psycopg), so it
runs on one dedicated worker thread that opens, writes and closes it: the
event loop keeps receiving and decoding the next batch meanwhile (sqlite3
releases the GIL inside SQLite, so the write really overlaps), and sqlite3's
rule that a connection stays on the thread that made it holds. A single
thread also keeps batches committed in the order they were taken, which the
ingest's in-order acknowledgement relies on.
After the write, a batch's customer orders, proofs of delivery and cancellations go to the
planner.

A database that cannot be reached (PostgreSQL restarting, a network cut) is
waited out: the write is tried again with jittered backoff until it goes
through, one writer at a time (the others queue behind it), each failure
logged as `store: <why>; reconnecting in 0.85s`. The ingest meanwhile
acknowledges nothing it has not recorded, and the broker stops sending once
the session's in-flight window is full; appends are idempotent, so a write
whose commit was lost in flight and is written again stores nothing twice.
Any other refusal of the store is raised.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Final, Protocol, Self, TypeVar

from adapters.mqtt.broker import Backoff
from adapters.mqtt.topics import ORDERS_KIND, Topic
from adapters.store import LIVE_RUN, EventStore, Record, StoreUnavailableError
from adapters.store.threaded import ThreadedStore
from supplysync.commands import CommandAck
from supplysync.deadletters import DeadLetter, letter_id_of
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.readings import Reading

log = logging.getLogger(__name__)
T = TypeVar("T")

STORE_BACKOFF: Final = Backoff(initial_s=0.1, maximum_s=5.0)
"""Delays between writes while the database is away: a restart takes about a
second, and after a longer outage the ingest resumes within 5 s."""

ReadingsHandler = Callable[[Sequence[Reading]], Awaitable[None]]
"""Takes readings already recorded (the agents' hand-off)."""

AckHandler = Callable[[CommandAck], None]
"""Takes a command ack already recorded (the dispatcher's tracker)."""

OrdersHandler = Callable[
    [Sequence[CustomerOrder], Sequence[ProofOfDelivery], Sequence[OrderCancellation]], None
]
"""Takes customer orders, proofs and cancellations already recorded (the planner's order book)."""


@dataclass(frozen=True, slots=True)
class Batch:
    """What one group commit records: new readings, command acks, refusals, orders."""

    readings: Sequence[Reading] = field(default_factory=tuple)
    acks: Sequence[CommandAck] = field(default_factory=tuple)
    letters: Sequence[DeadLetter] = field(default_factory=tuple)
    orders: Sequence[CustomerOrder] = field(default_factory=tuple)
    deliveries: Sequence[ProofOfDelivery] = field(default_factory=tuple)
    cancellations: Sequence[OrderCancellation] = field(default_factory=tuple)

    def records(self) -> list[Record]:
        return [
            *self.readings,
            *self.acks,
            *self.letters,
            *self.orders,
            *self.deliveries,
            *self.cancellations,
        ]


class Sink(Protocol):
    """Durable destination of ingested batches."""

    async def record(self, batch: Batch) -> None:
        """Record `batch` durably (all or nothing); raise if it could not be."""
        ...


class StoreSink:
    """Records batches in the event store at `url`, then hands them on.

    Args:
        url: the store (`sqlite:///path` or `postgresql://...`).
        run_id: the run the records belong to (`live` in live mode).
        on_readings: called with each batch's readings after the write.
        on_ack: called with each command ack after the write.
        on_orders: called with each batch's orders, proofs of delivery and
            cancellations after the write (when it has any).
        backoff: delays between writes while the database cannot be reached.
        seed: seeds the backoff jitter.
    """

    def __init__(
        self,
        *,
        url: str,
        run_id: str = LIVE_RUN,
        on_readings: ReadingsHandler | None = None,
        on_ack: AckHandler | None = None,
        on_orders: OrdersHandler | None = None,
        backoff: Backoff = STORE_BACKOFF,
        seed: int | None = None,
    ) -> None:
        if not run_id:
            raise ValueError("Expected a non-empty run_id.")
        self._store = ThreadedStore(url, name="store-sink")
        self._run_id = run_id
        self._on_readings = on_readings
        self._on_ack = on_ack
        self._on_orders = on_orders
        self._backoff = backoff
        self._rng = random.Random(seed)
        self._writing = asyncio.Lock()

    async def __aenter__(self) -> Self:
        await self._store.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._store.__aexit__(exc_type, exc, tb)

    async def _refuse_reused_ids(self, batch: Batch) -> Batch:
        ids = [o.order_id for o in batch.orders]

        def read(store: EventStore) -> list[CustomerOrder]:
            return store.orders_named(ids, run_id=self._run_id)

        stored = await self._patiently(read, "read")
        kept, letters = reused_order_ids(batch.orders, stored, datetime.now(UTC))
        if not letters:
            return batch
        for letter in letters:
            log.warning("order refused: %s", letter.reason)
        return replace(batch, orders=kept, letters=[*batch.letters, *letters])

    async def append(self, records: Sequence[Record]) -> None:
        """Append `records` in one transaction (the dispatcher records commands here).

        Returns once they are written, however long the database is away.
        """

        def write(store: EventStore) -> None:
            store.append(records, run_id=self._run_id)

        await self._patiently(write, "written")

    async def _patiently(self, work: Callable[[EventStore], T], done: str) -> T:
        """`work` on the store, one at a time, tried again until the database is back."""
        async with self._writing:
            clock = asyncio.get_running_loop()
            began = clock.time()
            attempt = 0
            while True:
                try:
                    result = await self._store.run(work)
                except StoreUnavailableError as exc:
                    delay = self._backoff.delay(attempt, self._rng)
                    log.warning("store: %s; reconnecting in %.2fs", exc, delay)
                    await asyncio.sleep(delay)
                    attempt += 1
                else:
                    if attempt:
                        log.info("store: %s again after %.2fs", done, clock.time() - began)
                    return result

    async def record(self, batch: Batch) -> None:
        """Write the batch, then hand its readings, acks and orders on.

        An order whose id already names a different order, stored or earlier
        in the batch, becomes a dead letter instead (`reused_order_ids`).
        """
        if batch.orders:
            batch = await self._refuse_reused_ids(batch)
        await self.append(batch.records())
        if self._on_readings is not None and batch.readings:
            await self._on_readings(batch.readings)
        if self._on_ack is not None:
            for ack in batch.acks:
                self._on_ack(ack)
        if self._on_orders is not None and (
            batch.orders or batch.deliveries or batch.cancellations
        ):
            self._on_orders(batch.orders, batch.deliveries, batch.cancellations)


def reused_order_ids(
    orders: Sequence[CustomerOrder], stored: Sequence[CustomerOrder], at: datetime
) -> tuple[list[CustomerOrder], list[DeadLetter]]:
    """Split `orders` into those to record and dead letters for ids already taken.

    The store keeps one record per order id and skips a second one
    (idempotent redelivery), so a different order under a taken id, another
    customer's or the same customer's with another product, quantity or due
    time, would be acknowledged and lost without a trace. The first order
    under an id stands, stored or earlier in `orders`; an identical one is a
    redelivery and passes (the store and the planner's intake take it once).
    """
    first: dict[str, CustomerOrder] = {o.order_id: o for o in stored}
    kept: list[CustomerOrder] = []
    letters: list[DeadLetter] = []
    for n, order in enumerate(orders):
        prior = first.setdefault(order.order_id, order)
        if _same_order(prior, order):
            kept.append(order)
            continue
        topic = str(Topic(order.customer_id, ORDERS_KIND, order.customer_id, "orders"))
        raw = order.model_dump_json().encode()
        letters.append(
            DeadLetter(
                letter_id=letter_id_of("mqtt", topic, raw, at, n),
                source="mqtt",
                topic=topic,
                asset_id=order.customer_id,
                raw=raw,
                reason=(
                    f"order_id {order.order_id!r} already names another order "
                    f"({prior.customer_id}, {prior.product_id}, {prior.quantity:g} due "
                    f"{prior.due.isoformat()}); this one ({order.customer_id}, "
                    f"{order.product_id}, {order.quantity:g} due {order.due.isoformat()}) "
                    "is not recorded"
                ),
                at=at,
            )
        )
    return kept, letters


def _same_order(a: CustomerOrder, b: CustomerOrder) -> bool:
    return (a.customer_id, a.product_id, a.quantity, a.due) == (
        b.customer_id,
        b.product_id,
        b.quantity,
        b.due,
    )
