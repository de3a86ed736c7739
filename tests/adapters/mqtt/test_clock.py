"""The network's clock over a real broker: announced retained, followed, refused when junk."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiomqtt

from adapters.mqtt.broker import BrokerAddress
from adapters.mqtt.clock import CLOCK_TOPIC, ClockFollower, announce, announced
from supplysync.clock import NetworkClock, Pace, VirtualClock
from supplysync.deadletters import DeadLetter
from tests.brokers import PrivateBroker

WALL = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PACE = Pace(at=WALL + timedelta(days=2), wall=WALL, speed=60.0)


async def until(condition: Callable[[], object], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.01)


def test_a_pace_announced_before_anyone_listens_is_followed_then_junk_is_a_dead_letter(
    broker: PrivateBroker,
) -> None:
    address = BrokerAddress("127.0.0.1", broker.port)
    wall = VirtualClock(WALL)
    clock = NetworkClock(wall)
    letters: list[DeadLetter] = []

    async def refused(letter: DeadLetter) -> None:
        letters.append(letter)

    async def run() -> tuple[datetime, datetime, Pace | None, Pace | None]:
        await announce(address, PACE, client_id="fleet-a")
        follower = ClockFollower(address=address, clock=clock, refused=refused)
        task = asyncio.create_task(follower.run())
        try:
            await until(lambda: clock.pace == PACE)
            followed = clock.now()
            async with aiomqtt.Client("127.0.0.1", broker.port) as junk:
                await junk.publish(CLOCK_TOPIC, b'{"at": "yesterday"}', qos=1, retain=True)
            await until(lambda: letters)
            kept = clock.now()
            read_back = await announced(address, client_id="reader")
            await announce(address, None, client_id="fleet-a")
            await until(lambda: clock.pace is None)
            return followed, kept, clock.pace, read_back
        finally:
            task.cancel()

    followed, kept, after_clear, read_back = asyncio.run(run())
    assert followed == WALL + timedelta(days=2)
    assert kept == followed, "a refused announcement leaves the clock on its pace"
    assert [(letter.topic, letter.raw) for letter in letters] == [
        (CLOCK_TOPIC, b'{"at": "yesterday"}')
    ]
    assert "at" in letters[0].reason
    assert read_back is None, "junk retained reads as no pace"
    assert after_clear is None
