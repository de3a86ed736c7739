"""Fixtures for MQTT integration tests: a private broker, a counting sink, a publisher,
and an empty store on each backend (`store_url`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import aiomqtt
import pytest

from adapters.mqtt.sink import Batch, Sink
from supplysync.readings import Reading
from tests.adapters.store.conftest import (  # noqa: F401 - empty stores
    pg_store_url,
    store_url,
)
from tests.brokers import PrivateBroker


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateBroker]:
    """A Mosquitto of this test's own (persistence on), killed at the end."""
    workdir = tmp_path / "broker"
    workdir.mkdir()
    with PrivateBroker(workdir) as private:
        yield private


class CountingSink:
    """Wraps a sink; lets a test await "n records so far" instead of sleeping.

    Also keeps every reading handed through, in order, as the agents would
    see them, and each batch's number of readings. Clearing `gate` holds
    batches back (unrecorded, unacknowledged) until it is set again.
    """

    def __init__(self, inner: Sink) -> None:
        self.inner = inner
        self.records = 0
        self.readings: list[Reading] = []
        self.batch_readings: list[int] = []
        self._changed = asyncio.Event()
        self.gate = asyncio.Event()
        self.gate.set()

    async def record(self, batch: Batch) -> None:
        await self.gate.wait()
        await self.inner.record(batch)
        self.records += len(batch.records())
        self.readings.extend(batch.readings)
        self.batch_readings.append(len(batch.readings))
        self._changed.set()

    async def reach(self, n: int, timeout_s: float = 15.0) -> None:
        """Wait until at least `n` records went through."""
        async with asyncio.timeout(timeout_s):
            while self.records < n:
                self._changed.clear()
                await self._changed.wait()


async def publish_all(port: int, messages: Sequence[tuple[str, bytes]], qos: int = 1) -> None:
    """Publish `(topic, payload)` pairs in order; returns when the broker has them all."""
    async with aiomqtt.Client("127.0.0.1", port, identifier="test-publisher") as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=qos)
