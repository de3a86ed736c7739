"""The live stream's source: one poller per app fanning out to every client.

The live loop and the API share nothing but the event store, so the API
learns of new alerts, plans and asset changes by polling it; no broker is
added. One background task polls for all clients (a hundred open pages cost
one query set per interval, not a hundred) and puts events on each
subscriber's bounded queue. A client too slow to keep up is dropped; its
browser reconnects and reloads the state.

New rows are found by time: each poll asks for alerts and plans stamped
after the latest one seen, less `SLACK` for rows committed late with an
older stamp, and skips ids already sent. A row stamped more than `SLACK`
before the newest one seen when it is committed is not streamed (it is
still served by the REST routes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from adapters.store import StoreError, open_store
from api.schemas import AlertPublic
from reads.assets import asset_states
from supplysync.clock import Clock
from supplysync.network import Network

SLACK: Final = timedelta(minutes=5)
FAR: Final = datetime(9999, 1, 1, tzinfo=UTC)
QUEUE_SIZE: Final = 1000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One server-sent event: its type (`alert`, `plan`, `asset`) and JSON data."""

    type: str
    data: str

    def encode(self) -> bytes:
        return f"event: {self.type}\ndata: {self.data}\n\n".encode()


class Feed:
    """Polls the store for news and hands it to subscribers.

    Args:
        store_url: the event store.
        run_id: the run to watch.
        clock: where "now" comes from (where to start looking, asset freshness).
        network: the scenario's network, for assets before the first snapshot.
        lookback: how far back asset states and the first poll look.
        poll_s: seconds between polls for alerts and plans.
        asset_poll_s: seconds between recomputations of asset states.
    """

    def __init__(
        self,
        *,
        store_url: str,
        run_id: str,
        clock: Clock,
        network: Network | None,
        lookback: timedelta,
        poll_s: float,
        asset_poll_s: float,
    ) -> None:
        self._url = store_url
        self._run = run_id
        self._clock = clock
        self._network = network
        self._lookback = lookback
        self._poll_s = poll_s
        self._asset_every = max(1, round(asset_poll_s / poll_s))
        self._subscribers: set[asyncio.Queue[Event | None]] = set()
        self._alert_mark: datetime | None = None
        self._plan_mark: datetime | None = None
        self._sent: dict[str, datetime] = {}
        self._assets: dict[str, str] = {}
        self._polls = 0
        self.current_plan_id: str | None = None

    def subscribe(self) -> asyncio.Queue[Event | None]:
        queue: asyncio.Queue[Event | None] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event | None]) -> None:
        self._subscribers.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def prime(self) -> None:
        """Learn what exists already, so only later rows are streamed."""
        self.poll()

    def poll(self) -> list[Event]:
        """Read the store once; the events news since the last poll makes."""
        first = self._alert_mark is None
        start = self._clock.now() - self._lookback
        with open_store(self._url) as store:
            alerts = store.alerts((self._alert_mark or start) - SLACK, FAR, run_id=self._run)
            since = (self._plan_mark or start) - SLACK
            plans = store.plan_summaries(since=since, run_id=self._run)
            if first and not plans:
                plans = store.plan_summaries(run_id=self._run)[-1:]
            assets = (
                asset_states(
                    store,
                    self._network,
                    run_id=self._run,
                    now=self._clock.now(),
                    lookback=self._lookback,
                )
                if self._polls % self._asset_every == 0
                else None
            )
        self._polls += 1
        events = [
            Event("alert", AlertPublic(alert=a).model_dump_json())
            for a in alerts
            if self._fresh(f"a:{a.alert_id}", a.ts)
        ]
        for plan in plans:
            if self._fresh(f"p:{plan.plan_id}", plan.created_at):
                self.current_plan_id = plan.plan_id
                events.append(Event("plan", plan.model_dump_json()))
        for a in alerts:
            self._alert_mark = max(self._alert_mark or a.ts, a.ts)
        for p in plans:
            self._plan_mark = max(self._plan_mark or p.created_at, p.created_at)
        self._alert_mark = self._alert_mark or start
        self._plan_mark = self._plan_mark or start
        self._forget_old()
        for asset in assets or []:
            body = asset.model_dump_json()
            if self._assets.get(asset.asset_id) != body:
                self._assets[asset.asset_id] = body
                events.append(Event("asset", body))
        return [] if first else events

    async def run(self) -> None:
        """Poll forever, publishing what each poll finds (cancel to stop)."""
        while True:
            await asyncio.sleep(self._poll_s)
            try:
                events = await asyncio.to_thread(self.poll)
            except StoreError as exc:
                log.warning("live stream: polling the store failed: %s", exc)
                continue
            self.publish(events)

    def publish(self, events: list[Event]) -> None:
        """Queue `events` for every subscriber; drop subscribers that are full."""
        for queue in list(self._subscribers):
            try:
                for event in events:
                    queue.put_nowait(event)
            except asyncio.QueueFull:
                self._subscribers.discard(queue)
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(None)

    def _fresh(self, key: str, ts: datetime) -> bool:
        if key in self._sent:
            return False
        self._sent[key] = ts
        return True

    def _forget_old(self) -> None:
        marks = [m for m in (self._alert_mark, self._plan_mark) if m is not None]
        if not marks:
            return
        horizon = min(marks) - 2 * SLACK
        for key in [k for k, ts in self._sent.items() if ts < horizon]:
            del self._sent[key]
