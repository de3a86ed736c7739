"""An event store opened, used and closed on one dedicated thread, for async code.

The store is synchronous (sqlite3, psycopg) and sqlite3 refuses a connection
used from any thread but the one that made it. Async callers (the MQTT sink,
the live loop's reader) therefore keep their store on a single worker thread
of its own: every call, opening and closing included, runs there, and the
event loop never blocks on a commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Self, TypeVar

from adapters.store import open_store
from adapters.store.protocol import EventStore

R = TypeVar("R")


class ThreadedStore:
    """The store at `url`, on a thread named `name`; use it in `async with`."""

    def __init__(self, url: str, *, name: str) -> None:
        self._store: EventStore = open_store(url)
        self._name = name
        self._thread: ThreadPoolExecutor | None = None

    async def __aenter__(self) -> Self:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        try:
            await self.run(lambda store: store.__enter__())
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
            await self.run(lambda store: store.__exit__(None, None, None))
        finally:
            self._thread.shutdown()
            self._thread = None

    async def run(self, fn: Callable[[EventStore], R]) -> R:
        """`fn(store)` on the store's thread."""
        if self._thread is None:
            raise RuntimeError(f"{self._name} is not open (use it in `async with`)")
        store = self._store
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, store)
