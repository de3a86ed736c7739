"""Running a `LiveLoop` inside a test: start, wait until ready, stop, and poll the store.

Tests await conditions ("the plan caused by request r1 is in the store")
with `eventually` instead of sleeping a guessed time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from adapters.store import EventStore, open_store
from cluster.live import Brokers, LiveLoop, LiveSettings
from runtime.directory import Directory
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker
from tests.services import executable

T = TypeVar("T")


def fast_loop(
    scenario: Scenario,
    directory: Directory,
    store_url: str,
    broker: PrivateBroker,
    **options: Any,
) -> LiveLoop:
    """A loop on `broker` that turns every 0.1 s and leaves the agents' tick to the test.

    `options` are more `LiveLoop` keywords (`settings` replaces that pace).
    """
    options.setdefault("settings", LiveSettings(turn_s=0.1, agent_tick_s=3600))
    return LiveLoop(
        network=scenario.network,
        planning=scenario.planning,
        directory=directory,
        store_url=store_url,
        brokers=Brokers.same(broker.url),
        **options,
    )


@asynccontextmanager
async def running(loop: LiveLoop, *, ready_s: float = 20.0) -> AsyncIterator[LiveLoop]:
    """The loop running in a task; stopped (finishing its turn) when the block ends."""
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop), name="live-under-test")
    ready = asyncio.create_task(loop.wait_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=ready_s, return_when="FIRST_COMPLETED")
    if task in done:
        ready.cancel()
        task.result()
        raise AssertionError("the live loop returned before it was ready")
    if ready not in done:
        ready.cancel()
        stop.set()
        await task
        raise AssertionError(f"the live loop was not ready within {ready_s}s")
    try:
        yield loop
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def eventually(
    url: str, look: Callable[[EventStore], T | None], *, timeout_s: float = 20.0
) -> T:
    """What `look` finds in the store at `url`, polled until it finds something (truthy)."""
    async with asyncio.timeout(timeout_s):
        while True:
            found: T | None = await asyncio.to_thread(_look, url, look)
            if found:
                return found
            await asyncio.sleep(0.1)


def _look(url: str, look: Callable[[EventStore], T | None]) -> T | None:
    with open_store(url) as store:
        return look(store)


async def mosquitto_pub(port: int, topic: str, payload: bytes, *auth: str) -> None:
    """Publish one message at QoS 1 with the `mosquitto_pub` client, as an operator would."""
    proc = await asyncio.create_subprocess_exec(
        executable("mosquitto_pub"),
        *("-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic, "-s"),
        *auth,
        stdin=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate(payload)
    assert proc.returncode == 0, f"mosquitto_pub failed: {err.decode()}"
