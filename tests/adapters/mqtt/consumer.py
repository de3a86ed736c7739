"""A consumer process for the crash test: `python -m tests.adapters.mqtt.consumer BROKER DB`.

Prints `ready` once subscribed, then the running total of records after
each durable batch, so the test can kill it at a known point without
sleeping.
"""

from __future__ import annotations

import asyncio
import sys

from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.sink import Batch, StoreSink


class _Printing:
    def __init__(self, inner: StoreSink) -> None:
        self.inner = inner
        self.total = 0

    async def record(self, batch: Batch) -> None:
        await self.inner.record(batch)
        self.total += len(batch.records())
        print(f"recorded {self.total}", flush=True)


async def main(broker: str, db: str) -> None:
    async with StoreSink(url=db) as store:
        sink = _Printing(store)
        async with MqttIngest(broker=broker, sink=sink, batch_max=25) as ingest:
            await ingest.wait_connected()
            print("ready", flush=True)
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
