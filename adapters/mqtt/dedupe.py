"""Dropping readings already seen, by `(device_id, seq)`, in a bounded window.

Three layers drop duplicates, each for its own reason:

- here, at the ingest: MQTT QoS 1 is at-least-once, and a persistent session
  redelivers whatever was unacknowledged when a connection broke, so the
  same reading often arrives twice within seconds. Dropping it here saves a
  store round trip and keeps the agents' hand-off free of repeats. The
  window is bounded (memory) and forgets on restart, so it is an
  optimisation, not the guarantee.
- the store, idempotent by `(device_id, seq)`: the guarantee for the log.
  A reading redelivered after the window forgot it (a restart, an old
  redelivery) is written again and stored once.
- the agents (`agents/sensors.py`), by each device's highest sequence: the
  guarantee for agent state, which is also rebuilt by replaying the log and
  must not count a reading twice however it got there.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from supplysync.readings import Reading


class SeenWindow:
    """The last `capacity` distinct `(device_id, seq)` keys admitted.

    Args:
        capacity: keys remembered; the oldest is forgotten first.
    """

    def __init__(self, *, capacity: int = 100_000) -> None:
        if capacity < 1:
            raise ValueError(f"Expected capacity >= 1, got {capacity}.")
        self._capacity = capacity
        self._seen: OrderedDict[tuple[str, int], None] = OrderedDict()

    def fresh(self, readings: Iterable[Reading]) -> list[Reading]:
        """The readings whose keys were not seen before (within the window), in order.

        The keys of those returned are remembered from now on; a key repeated
        inside `readings` is kept the first time only. One call per message,
        not per reading: the ingest checks every reading it receives, so
        per-reading calls would be a visible share of its cost.
        """
        seen, capacity = self._seen, self._capacity
        kept = []
        for reading in readings:
            key = (reading.device_id, reading.seq)
            if key not in seen:
                seen[key] = None
                kept.append(reading)
        while len(seen) > capacity:
            seen.popitem(last=False)
        return kept

    def __len__(self) -> int:
        return len(self._seen)
