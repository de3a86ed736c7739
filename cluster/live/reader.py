"""The live loop's reads of the event store, off the event loop.

The ingest's `StoreSink` owns the writing connection on its own thread; the
loop's reads (operator requests, once per turn) get a second connection on
a second thread, so a read never waits behind a large group commit and
sqlite3's rule that a connection stays on the thread that made it holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar

from adapters.store import LIVE_RUN, open_store
from supplysync.control import OperatorRequest

R = TypeVar("R")


class StoreReader:
    """An open store read on one dedicated thread.

    Args:
        url: the store (`sqlite:///path` or `postgresql://...`).
        run_id: the run whose records are read.
    """

    def __init__(self, *, url: str, run_id: str = LIVE_RUN) -> None:
        self._store = open_store(url)
        self._run_id = run_id
        self._thread: ThreadPoolExecutor | None = None

    async def __aenter__(self) -> Self:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-reader")
        try:
            await self._run(self._store.__enter__)
        except BaseException:
            self._thread.shutdown()
            self._thread = None
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is None:
            return
        try:
            await self._run(self._store.__exit__, None, None, None)
        finally:
            self._thread.shutdown()
            self._thread = None

    async def requests(self, since: datetime, until: datetime) -> list[OperatorRequest]:
        """Operator requests accepted in `[since, until)`, oldest first."""
        return await self._run(self._requests, since, until)

    def _requests(self, since: datetime, until: datetime) -> list[OperatorRequest]:
        return self._store.requests(since, until, run_id=self._run_id)

    async def _run(self, fn: Callable[..., R], *args: object) -> R:
        if self._thread is None:
            raise RuntimeError("StoreReader is not open (use it in `async with`)")
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)
