"""Command tracking with a fake clock: answers, regressions and timeouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.mqtt.tracking import CommandTracker, Outcome
from supplysync.clock import VirtualClock
from supplysync.commands import Command, CommandAck, RouteOrder
from supplysync.planning import PlanningWindow

T0 = datetime(2025, 3, 1, 8, tzinfo=UTC)


def command(command_id: str = "c1", asset: str = "v1") -> Command:
    window = PlanningWindow(start=T0)
    return Command(
        command_id=command_id,
        plan_id="p1",
        asset_id=asset,
        asset_kind="vehicle",
        issued_at=T0,
        window=window,
        body=RouteOrder(),
    )


def answer(status: str, command_id: str = "c1", asset: str = "v1") -> CommandAck:
    return CommandAck(command_id=command_id, asset_id=asset, ts=T0, status=status, reason="r")


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(T0)


def test_answers_move_a_command_forward_only(clock: VirtualClock) -> None:
    tracker = CommandTracker(timeout=timedelta(seconds=30))
    tracker.sent(command(), clock.now())
    clock.advance(timedelta(seconds=1))
    received = tracker.observe(answer("received"), clock.now())
    assert received is not None and received.outcome is Outcome.RECEIVED
    clock.advance(timedelta(seconds=1))
    done = tracker.observe(answer("done"), clock.now())
    assert done is not None
    assert (done.outcome, done.updated_at, done.reason) == (Outcome.DONE, clock.now(), "r")
    late_receipt = tracker.observe(answer("received"), clock.now() + timedelta(seconds=5))
    assert late_receipt == done


def test_an_unanswered_command_times_out_at_its_deadline(clock: VirtualClock) -> None:
    tracker = CommandTracker(timeout=timedelta(seconds=30))
    tracker.sent(command(), clock.now())
    clock.advance(timedelta(seconds=29))
    assert tracker.expire(clock.now()) == []
    clock.advance(timedelta(seconds=1))
    [expired] = tracker.expire(clock.now())
    assert (expired.command_id, expired.outcome) == ("c1", Outcome.TIMED_OUT)
    assert tracker.expire(clock.now() + timedelta(hours=1)) == []  # reported once


def test_a_received_command_does_not_time_out_while_it_is_carried_out(
    clock: VirtualClock,
) -> None:
    tracker = CommandTracker(timeout=timedelta(seconds=30))
    tracker.sent(command(), clock.now())
    tracker.observe(answer("received"), clock.now())
    assert tracker.expire(clock.now() + timedelta(hours=5)) == []
    status = tracker.status("c1")
    assert status is not None and status.outcome is Outcome.RECEIVED


def test_an_answer_after_the_timeout_still_wins(clock: VirtualClock) -> None:
    tracker = CommandTracker(timeout=timedelta(seconds=30))
    tracker.sent(command(), clock.now())
    tracker.expire(clock.advance(timedelta(minutes=1)))
    rejected = tracker.observe(answer("rejected"), clock.now())
    assert rejected is not None and rejected.outcome is Outcome.REJECTED


def test_answers_for_unknown_commands_or_from_other_assets_are_ignored(
    clock: VirtualClock,
) -> None:
    tracker = CommandTracker()
    tracker.sent(command(), clock.now())
    assert tracker.observe(answer("done", command_id="nope"), clock.now()) is None
    assert tracker.observe(answer("done", asset="v2"), clock.now()) is None
    status = tracker.status("c1")
    assert status is not None and status.outcome is Outcome.PENDING


def test_the_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive timeout"):
        CommandTracker(timeout=timedelta(0))


def test_unfinished_counts_every_command_without_a_final_answer(clock: VirtualClock) -> None:
    tracker = CommandTracker(timeout=timedelta(seconds=30))
    for n in range(5):
        tracker.sent(command(f"c{n}"), clock.now())
    assert tracker.unfinished() == 5
    tracker.observe(answer("received", "c1"), clock.now())  # carried out: not final yet
    tracker.observe(answer("done", "c2"), clock.now())
    tracker.observe(answer("rejected", "c3"), clock.now())
    clock.advance(timedelta(seconds=30))
    assert [s.command_id for s in tracker.expire(clock.now())] == ["c0", "c4"]
    assert tracker.unfinished() == 3  # c0 and c4 timed out, c1 received
