"""The live loop's reads of the event store, off the event loop.

The ingest's `StoreSink` owns the writing connection on its own thread; the
loop's reads (operator requests, once per turn; the stored customer orders
and the plans in force, once at start) get a second connection on
a second thread, so a read never waits behind a large group commit and
sqlite3's rule that a connection stays on the thread that made it holds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Final, Self

from adapters.store import LIVE_RUN, EventStore
from adapters.store.threaded import ThreadedStore
from replan.intake import OrderNews
from supplysync.commands import Command
from supplysync.control import OperatorRequest
from supplysync.plan import Plan

_EVER: Final = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


class StoreReader:
    """An open store read on one dedicated thread.

    Args:
        url: the store (`sqlite:///path` or `postgresql://...`).
        run_id: the run whose records are read.
    """

    def __init__(self, *, url: str, run_id: str = LIVE_RUN) -> None:
        self._store = ThreadedStore(url, name="store-reader")
        self._run_id = run_id

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

    async def requests(self, since: datetime, until: datetime) -> list[OperatorRequest]:
        """Operator requests accepted in `[since, until)`, oldest first."""
        return await self._store.run(
            lambda store: store.requests(since, until, run_id=self._run_id)
        )

    async def orders(self) -> OrderNews:
        """Every stored customer order, proof of delivery and cancellation, oldest first.

        All of them, not a recent window: an order's timestamp is when the
        ERP created it, which says nothing of whether it is still open (that
        is the order book's to decide, from its due day and the proofs).
        """

        def read(store: EventStore) -> OrderNews:
            run = self._run_id
            return OrderNews(
                store.orders(*_EVER, run_id=run),
                store.deliveries(*_EVER, run_id=run),
                store.cancellations(*_EVER, run_id=run),
            )

        return await self._store.run(read)

    async def plans_in_force(self, hours: float) -> tuple[list[Plan], list[Command]]:
        """The plans of the last `hours` before the newest, and their commands (`in_force`)."""
        return await self._store.run(lambda store: in_force(store, hours, self._run_id))


def in_force(store: EventStore, hours: float, run_id: str) -> tuple[list[Plan], list[Command]]:
    """The plans made in the `hours` (a period) up to the newest, oldest first, and their commands.

    What a restarted coordinator takes back (`Coordinator.restore`): the
    newest plan is the one in force, and the routes of these plans are the
    ones a vehicle may still be out on. Read from the newest plan's time, so
    a store with a long history costs no more than one with a short one.
    """
    latest = store.latest_plan(run_id=run_id)
    if latest is None:
        return [], []
    plans = store.plans(run_id=run_id, since=latest.created_at - timedelta(hours=hours))
    return plans, [c for p in plans for c in store.commands(p.plan_id, run_id=run_id)]
