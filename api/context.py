"""What every request handler may reach: one object per app, on `app.state`.

Kept as one frozen bundle so `create_app` is the only place that wires the
API together and a test builds a fully working app from a store URL, a
settings object and a clock, with nothing read from globals.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import BoundedSemaphore

from adapters.store import Ledger
from api.audit import RefusalLog
from api.feed import Feed
from api.security import KeyCache
from api.settings import Settings
from api.stores import ThreadStores
from api.tickets import StreamTickets
from supplysync.clock import Clock
from supplysync.network import Network
from supplysync.scenario import PlanningSettings


@dataclass(frozen=True)
class Context:
    """The app's settings, clocks, stores and workers.

    Attributes:
        clock: the network's time (`supplysync.clock.NetworkClock` in
            production): the default of every listing's window, the live
            stream's start, asset freshness, acks and operator requests.
        wall: the people's time: token and ticket expiry, users, the
            refusal audit.
        network: the scenario's network, shown when the store has no network
            snapshot yet (a live loop that has not planned).
        planning: solver settings what-ifs plan with.
        whatif_slots: free what-if slots; a request that finds none is refused.
        tickets: one-time tickets that open the live stream.
    """

    settings: Settings
    store_url: str
    stores: ThreadStores
    clock: Clock
    wall: Clock
    ledger: Ledger
    keys: KeyCache
    tickets: StreamTickets
    refusals: RefusalLog
    feed: Feed
    network: Network | None
    planning: PlanningSettings
    whatif_pool: ThreadPoolExecutor
    whatif_slots: BoundedSemaphore
