"""Group commit: gather items until a batch is full or its deadline passes.

One durable write (one fsync on SQLite, one commit on PostgreSQL) per batch
instead of per message is what makes acknowledging only after the write
affordable: at 10 ms per batch the write costs a few microseconds per
message instead of milliseconds.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """A queue whose consumer takes batches of up to `max_items` items and `max_weight` weight.

    Items have a weight (an MQTT message weighs its readings), because what
    a write costs is the rows it writes, not the messages they came in: a
    limit in messages alone makes a batch of gateway messages a hundred
    times bigger than one of single readings.

    A batch closes when it reaches `max_items` or `max_weight`, or
    `max_delay_s` after its first item arrived, whichever is first; so a
    quiet stream is written within `max_delay_s` and a busy one in full
    batches. An item heavier than `max_weight` is a batch of its own.

    Args:
        max_items: items per batch at most.
        max_weight: total weight per batch at most (but at least one item).
        max_delay_s: how long the first item of a batch waits for company.
    """

    def __init__(
        self, *, max_items: int = 5_000, max_weight: int = 5_000, max_delay_s: float = 0.01
    ) -> None:
        if max_items < 1:
            raise ValueError(f"Expected max_items >= 1, got {max_items}.")
        if max_weight < 1:
            raise ValueError(f"Expected max_weight >= 1, got {max_weight}.")
        if not 0 <= max_delay_s <= 10:
            raise ValueError(f"Expected 0 <= max_delay_s <= 10, got {max_delay_s}.")
        self._max_items = max_items
        self._max_weight = max_weight
        self._max_delay_s = max_delay_s
        self._items: deque[tuple[T, int]] = deque()
        self._weight = 0
        self._nonempty = asyncio.Event()
        self._full = asyncio.Event()

    def put(self, item: T, weight: int = 1) -> None:
        """Add an item (never blocks: the broker's in-flight window bounds QoS 1)."""
        self._items.append((item, weight))
        self._weight += weight
        self._nonempty.set()
        if self._is_full():
            self._full.set()

    def _is_full(self) -> bool:
        return len(self._items) >= self._max_items or self._weight >= self._max_weight

    def __len__(self) -> int:
        return len(self._items)

    async def take(self) -> list[T]:
        """The next batch: waits for a first item, then up to `max_delay_s` for a full batch.

        The waiter is woken twice per batch at most (first item, full), not
        once per item, which matters at tens of thousands of messages a second.
        """
        await self._nonempty.wait()
        if not self._is_full() and self._max_delay_s > 0:
            try:
                async with asyncio.timeout(self._max_delay_s):
                    await self._full.wait()
            except TimeoutError:
                pass
        items, weight = self._items, 0
        batch: list[T] = []
        while items and len(batch) < self._max_items:
            if batch and weight + items[0][1] > self._max_weight:
                break
            item, w = items.popleft()
            batch.append(item)
            weight += w
        self._weight -= weight
        if not items:
            self._nonempty.clear()
        if not self._is_full():
            self._full.clear()
        return batch
