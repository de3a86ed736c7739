"""The network's clock: the wall until a pace is heard, then the pace, never back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from supplysync.clock import MAX_SPEED, NetworkClock, Pace, VirtualClock

WALL = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def pace(at: datetime, speed: float, wall: datetime = WALL) -> Pace:
    return Pace(at=at, wall=wall, speed=speed)


def test_without_a_pace_the_network_runs_on_the_wall() -> None:
    wall = VirtualClock(WALL)
    clock = NetworkClock(wall)
    wall.advance(timedelta(minutes=5))
    assert clock.now() == WALL + timedelta(minutes=5)
    assert clock.pace is None


def test_a_pace_at_speed_60_turns_a_wall_minute_into_an_hour() -> None:
    wall = VirtualClock(WALL)
    start = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    clock = NetworkClock(wall, pace(start, 60.0))
    wall.advance(timedelta(minutes=1))
    assert clock.now() == start + timedelta(hours=1)


def test_following_no_pace_again_returns_to_the_wall_but_not_back_in_time() -> None:
    wall = VirtualClock(WALL)
    clock = NetworkClock(wall, pace(WALL, 60.0))
    wall.advance(timedelta(minutes=1))
    ahead = clock.now()
    clock.follow(None)
    assert clock.now() == ahead, "held where it stood rather than going back an hour"
    wall.advance(timedelta(hours=1))
    assert clock.now() == WALL + timedelta(hours=1, minutes=1)


def test_a_pace_behind_the_clock_holds_it_until_caught_up() -> None:
    wall = VirtualClock(WALL)
    clock = NetworkClock(wall, pace(WALL + timedelta(hours=2), 1.0))
    assert clock.now() == WALL + timedelta(hours=2)
    clock.follow(pace(WALL, 60.0))
    assert clock.now() == WALL + timedelta(hours=2)
    wall.advance(timedelta(minutes=3))
    assert clock.now() == WALL + timedelta(hours=3)


def test_an_absurd_pace_ends_time_rather_than_overflowing() -> None:
    wall = VirtualClock(WALL)
    clock = NetworkClock(wall, pace(WALL, MAX_SPEED))
    wall.advance(timedelta(days=60))
    assert clock.now().year == 9999


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("speed", 0.0),
        ("speed", -1.0),
        ("speed", MAX_SPEED * 2),
        ("speed", float("inf")),
        ("at", "2026-12-04T12:00:00"),
    ],
)
def test_a_bad_pace_is_refused_naming_the_field(field: str, value: object) -> None:
    fields: dict[str, object] = {"at": WALL, "wall": WALL, "speed": 1.0, field: value}
    with pytest.raises(ValidationError, match=field):
        Pace.model_validate(fields)
