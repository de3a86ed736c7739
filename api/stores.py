"""One open event store per worker thread, behind a proxy handlers can hold.

FastAPI resolves a dependency in one pool thread and may run the handler in
another, and a sqlite3 connection refuses to be used outside the thread
that opened it. So the `StoreDep` a handler receives is a proxy whose
every call goes to the store of the calling thread, opened on first use
and kept for the life of the app (a bounded pool of threads, so a bounded
number of connections). Closing them at shutdown happens from another
thread; the store suppresses the driver's complaint and the connection is
released with the process.
"""

from __future__ import annotations

import threading
from typing import Any, cast

from adapters.store import EventStore, open_store


class ThreadStores:
    """The store at `url`, opened once per thread that asks for it."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._local = threading.local()
        self._opened: list[EventStore] = []
        self._lock = threading.Lock()

    def here(self) -> EventStore:
        """The calling thread's store."""
        store: EventStore | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self._url).__enter__()
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def proxy(self) -> EventStore:
        """An object that behaves as the calling thread's store, whichever thread calls."""
        return cast(EventStore, _Proxy(self))

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            store.__exit__(None, None, None)


class _Proxy:
    def __init__(self, stores: ThreadStores) -> None:
        self._stores = stores

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stores.here(), name)
