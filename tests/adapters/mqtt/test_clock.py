"""The network's clock over a real broker: announced retained, followed, refused when junk."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiomqtt

from adapters.mqtt.broker import Backoff, BrokerAddress
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


class CountingBackoff(Backoff):
    """A quick backoff that records which attempt each delay was asked for."""

    def __init__(self) -> None:
        super().__init__(initial_s=0.05, maximum_s=0.05)
        self.attempts: list[int] = []

    def delay(self, attempt: int, rng: random.Random) -> float:
        self.attempts.append(attempt)
        return super().delay(attempt, rng)


def test_a_follower_that_reconnected_backs_off_from_the_start_again(
    broker: PrivateBroker,
) -> None:
    address = BrokerAddress("127.0.0.1", broker.port)
    clock = NetworkClock(VirtualClock(WALL))
    backoff = CountingBackoff()

    async def refused(letter: DeadLetter) -> None:
        raise AssertionError(letter)

    async def run() -> tuple[list[int], list[int]]:
        await announce(address, PACE, client_id="fleet-a")
        await asyncio.to_thread(broker.stop)
        follower = ClockFollower(address=address, clock=clock, refused=refused, backoff=backoff)
        task = asyncio.create_task(follower.run())
        try:
            await until(lambda: len(backoff.attempts) >= 3)
            await asyncio.to_thread(broker.start)
            await until(follower.heard.is_set)
            before = list(backoff.attempts)
            backoff.attempts.clear()
            await asyncio.to_thread(broker.stop)
            await until(lambda: backoff.attempts)
            return before, list(backoff.attempts)
        finally:
            task.cancel()

    before, after = asyncio.run(run())
    assert before[:3] == [0, 1, 2]
    assert after[0] == 0, "a lost connection after a good one starts the backoff afresh"
