"""What the store holds: the size of the system the API was serving.

Most routes read a time window of the store, so their cost grows with what
it holds; a figure is only comparable with the store it was measured on.
Counted through the store's own reads (every reading of every asset,
batched or not), in the benchmark's process, before and after the clients.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from adapters.store import open_store
from supplysync.network import Network

_EPOCH: Final = datetime(1970, 1, 2, tzinfo=UTC)
_FAR: Final = datetime(9999, 1, 1, tzinfo=UTC)


def census(store_url: str, network: Network) -> dict[str, int]:
    """Readings, plans, alerts and customer orders of the live run in the store."""
    with open_store(store_url) as store:
        readings = sum(len(store.readings(a, _EPOCH, _FAR)) for a in network.asset_kinds())
        return {
            "readings": readings,
            "plans": len(store.plans()),
            "alerts": len(store.alerts(_EPOCH, _FAR)),
            "orders": len(store.orders(_EPOCH, _FAR)),
        }
