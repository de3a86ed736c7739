"""One open store per worker thread, behind proxies handlers can hold.

FastAPI resolves a dependency in one pool thread and may run the handler in
another, and a sqlite3 connection refuses to be used outside the thread
that opened it. So the `StoreDep` a handler receives, and the ledger of
users, acknowledgements and refusals, are proxies whose every call goes to
the store of the calling thread, opened on first use and kept for the life
of the app (a bounded pool of threads, so a bounded number of connections,
one per thread for the log and the ledger together). Closing them at
shutdown happens from another thread; the store suppresses the driver's
complaint and the connection is released with the process. A thread that
calls after that (a test reading the ledger after its app stopped) opens
a store again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

from adapters.store import EventStore, Ledger, SqlEventStore, StoreError


class ThreadStores:
    """The store at `url`, opened once per thread that asks for it.

    Raises:
        StoreError: `url` is a private in-memory SQLite (`sqlite://`), which
            each thread would see empty: the API's users would vanish.
    """

    def __init__(self, url: str) -> None:
        if url == "sqlite://":
            raise StoreError("the API needs a database file or server, not sqlite://")
        self._url = url
        self._local = threading.local()
        self._opened: list[SqlEventStore] = []
        self._closes = 0
        self._lock = threading.Lock()

    def here(self) -> SqlEventStore:
        """The calling thread's store (opened again if `close` came since)."""
        store: SqlEventStore | None = getattr(self._local, "store", None)
        if store is None or self._local.closes != self._closes:
            store = SqlEventStore(url=self._url).__enter__()
            self._local.store, self._local.closes = store, self._closes
            with self._lock:
                self._opened.append(store)
        return store

    def proxy(self) -> EventStore:
        """An object that behaves as the calling thread's store, whichever thread calls."""
        return cast(EventStore, _Proxy(self.here))

    def ledger(self) -> Ledger:
        """An object that behaves as the calling thread's store's ledger."""
        return cast(Ledger, _Proxy(lambda: self.here().ledger))

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
            self._closes += 1
        for store in opened:
            store.__exit__(None, None, None)


class _Proxy:
    def __init__(self, target: Callable[[], object]) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)
