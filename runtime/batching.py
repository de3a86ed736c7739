"""`ReadingBatcher`: group decoded readings into batches worth a host call.

One Ray call costs ~0.6 ms whatever it carries, so readings travel in
batches that flush on size or on a short deadline. The batcher is pure: the
caller passes the time, so live ingest (wall clock) and research mode
(virtual clock) share it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from supplysync.readings import Reading
from supplysync.settings import RuntimeSettings


class ReadingBatcher:
    """Buffers readings until `max_readings` are waiting or `max_delay` has passed.

    The deadline runs from when the first reading of the current batch was
    added, so a trickle of readings waits at most `max_delay`.
    """

    def __init__(self, max_readings: int, max_delay: timedelta) -> None:
        if max_readings < 1:
            raise ValueError("Expected max_readings >= 1.")
        if max_delay <= timedelta(0):
            raise ValueError("Expected max_delay > 0.")
        self.max_readings = max_readings
        self.max_delay = max_delay
        self._buffer: list[Reading] = []
        self._first_at: datetime | None = None

    @classmethod
    def from_settings(cls, settings: RuntimeSettings) -> ReadingBatcher:
        """A batcher with the runtime's `batch_max_readings` and `batch_max_delay_ms`."""
        return cls(settings.batch_max_readings, timedelta(milliseconds=settings.batch_max_delay_ms))

    def __len__(self) -> int:
        return len(self._buffer)

    def add(self, readings: Iterable[Reading], now: datetime) -> None:
        """Buffer `readings`, which arrived at `now`."""
        before = len(self._buffer)
        self._buffer.extend(readings)
        if before == 0 and self._buffer:
            self._first_at = now

    def deadline(self) -> datetime | None:
        """When the buffered batch must go out at the latest; None when empty."""
        return None if self._first_at is None else self._first_at + self.max_delay

    def due(self, now: datetime) -> bool:
        """Whether the batch is full or its deadline has come."""
        deadline = self.deadline()
        if deadline is None:
            return False
        return len(self._buffer) >= self.max_readings or now >= deadline

    def drain(self) -> list[Reading]:
        """Everything buffered, oldest first; the batcher is empty afterwards."""
        batch, self._buffer, self._first_at = self._buffer, [], None
        return batch
