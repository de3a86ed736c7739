"""A consumer process for the crash test: `python -m tests.adapters.mqtt.consumer BROKER DB [N]`.

Prints `ready` once subscribed, then the running total of records after
each durable batch. Given `N`, it SIGKILLs itself as soon as a batch takes
the total to `N` or more: after that batch's commit and before its
acknowledgement, the narrowest window there is, and at a known point
whatever the machine's load (a kill sent from the test could land after the
whole backlog was consumed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.sink import Batch, StoreSink


class _Printing:
    def __init__(self, inner: StoreSink, crash_after: int | None) -> None:
        self.inner = inner
        self.crash_after = crash_after
        self.total = 0

    async def record(self, batch: Batch) -> None:
        await self.inner.record(batch)
        self.total += len(batch.records())
        print(f"recorded {self.total}", flush=True)
        if self.crash_after is not None and self.total >= self.crash_after:
            os.kill(os.getpid(), signal.SIGKILL)


async def main(broker: str, db: str, crash_after: int | None) -> None:
    async with StoreSink(url=db) as store:
        sink = _Printing(store, crash_after)
        async with MqttIngest(broker=broker, sink=sink, batch_max=25) as ingest:
            await ingest.wait_connected()
            print("ready", flush=True)
            await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None))
