"""Group commit: batches close when full or when their first item has waited enough."""

from __future__ import annotations

import asyncio

import pytest

from adapters.mqtt.batching import GroupCommit


def test_a_full_batch_is_taken_at_once_and_the_rest_waits_for_the_next() -> None:
    async def run() -> tuple[list[int], list[int]]:
        commit: GroupCommit[int] = GroupCommit(max_items=3, max_delay_s=10)
        for i in range(5):
            commit.put(i)
        first = await commit.take()  # full: no wait for the 10 s deadline
        commit.put(5)
        second = await asyncio.wait_for(commit.take(), timeout=5)
        return first, second

    assert asyncio.run(asyncio.wait_for(run(), timeout=5)) == ([0, 1, 2], [3, 4, 5])


def test_a_partial_batch_closes_at_its_deadline() -> None:
    async def run() -> tuple[list[str], float]:
        commit: GroupCommit[str] = GroupCommit(max_items=100, max_delay_s=0.02)
        loop = asyncio.get_running_loop()
        commit.put("a")
        start = loop.time()
        batch = await commit.take()
        return batch, loop.time() - start

    batch, waited = asyncio.run(run())
    assert batch == ["a"]
    assert 0.015 <= waited < 1.0


def test_take_waits_for_a_first_item_and_wakes_when_the_batch_fills() -> None:
    async def run() -> list[int]:
        commit: GroupCommit[int] = GroupCommit(max_items=2, max_delay_s=10)
        taker = asyncio.create_task(commit.take())
        await asyncio.sleep(0)
        assert not taker.done()
        commit.put(1)
        await asyncio.sleep(0)
        commit.put(2)
        return await asyncio.wait_for(taker, timeout=5)

    assert asyncio.run(run()) == [1, 2]


def test_a_batch_closes_at_its_weight_and_a_heavy_item_is_a_batch_of_its_own() -> None:
    async def run() -> list[list[str]]:
        commit: GroupCommit[str] = GroupCommit(max_items=100, max_weight=10, max_delay_s=10)
        commit.put("a", 4)
        commit.put("b", 4)
        commit.put("c", 4)  # 12 >= 10: full, but "c" would take the batch past 10
        first = await commit.take()
        commit.put("huge", 50)
        second = await commit.take()  # "c" and "huge" weigh 54: full at once
        third = await commit.take()
        return [first, second, third]

    assert asyncio.run(asyncio.wait_for(run(), timeout=5)) == [["a", "b"], ["c"], ["huge"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_items": 0}, "max_items >= 1"),  # an empty batch is no batch
        ({"max_weight": 0}, "max_weight >= 1"),  # nor is a weightless one
        ({"max_delay_s": -0.1}, "0 <= max_delay_s"),  # time does not run back
        (
            {"max_delay_s": 60},
            "max_delay_s <= 10",
        ),  # a minute of unacked messages is no group commit
    ],
)
def test_settings_are_checked(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GroupCommit(**kwargs)  # type: ignore[arg-type]
