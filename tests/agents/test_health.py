"""Vibration zones, the health estimate, the wear trend and shift arithmetic."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from agents.health import (
    Zone,
    derated,
    estimate_health,
    failure_predicted,
    fit_wear_trend,
    vibration_zone,
)
from agents.shifts import after_shift_hours, shift_containing, shift_left_today, shift_overlap_hours

BASE, GAIN, DANGER = 1.2, 6.3, 7.1


def model(wear: float) -> float:
    """Running vibration of docs/sensors.md at wear `1 - h`, without noise."""
    return BASE + GAIN * wear**2


@pytest.mark.parametrize(
    ("mm_s", "zone"),
    [
        (0.1, Zone.GOOD),  # idle
        (2.79, Zone.GOOD),  # just below the warn level
        (2.8, Zone.ALARM),  # the warn level itself is alarm
        (7.1, Zone.ALARM),  # the danger level itself is still alarm
        (7.11, Zone.DANGER),  # above danger
    ],
)
def test_vibration_zone(mm_s: float, zone: Zone) -> None:
    assert vibration_zone(mm_s, 2.8, 7.1) is zone


@pytest.mark.parametrize("health", [1.0, 0.8, 0.5, 0.3, 0.0])
def test_health_estimate_inverts_the_wear_model(health: float) -> None:
    assert estimate_health(model(1 - health), BASE, GAIN) == pytest.approx(health)


def test_health_is_clamped() -> None:
    assert estimate_health(0.1, BASE, GAIN) == 1.0  # idle or below baseline
    assert estimate_health(50.0, BASE, GAIN) == 0.0  # beyond failure


def test_noiseless_trend_is_exact() -> None:
    hours = [100 + 0.25 * i for i in range(40)]
    wear = [0.2 + 0.02 * (h - 100) for h in hours]
    trend = fit_wear_trend(hours, [model(w) for w in wear], danger=DANGER, base=BASE, gain=GAIN)
    assert trend is not None
    assert trend.slope_per_hour == pytest.approx(0.02)
    danger_wear = math.sqrt((DANGER - BASE) / GAIN)
    assert trend.hours_to_danger == pytest.approx((danger_wear - wear[-1]) / 0.02)
    assert failure_predicted(trend, min_samples=12, min_t=4, horizon_h=168)


def test_noise_around_a_new_machine_predicts_nothing() -> None:
    rng = np.random.default_rng(3)
    hours = [0.25 * i for i in range(96)]
    vibration = list(BASE + rng.normal(0, 0.1, size=96))
    trend = fit_wear_trend(hours, vibration, danger=DANGER, base=BASE, gain=GAIN)
    assert not failure_predicted(trend, min_samples=12, min_t=4, horizon_h=168)


def test_fit_needs_spread_in_hours() -> None:
    assert fit_wear_trend([5.0] * 10, [3.0] * 10, danger=DANGER, base=BASE, gain=GAIN) is None
    assert fit_wear_trend([1.0, 2.0], [3.0, 4.0], danger=DANGER, base=BASE, gain=GAIN) is None


def test_already_in_danger_means_zero_hours() -> None:
    hours = [0.25 * i for i in range(20)]
    trend = fit_wear_trend(
        hours, [model(0.98 + 0.001 * h) for h in hours], danger=DANGER, base=BASE, gain=GAIN
    )
    assert trend is not None and trend.hours_to_danger == 0.0


def test_derating() -> None:
    assert derated(16, 0.29, 0.3, 0.75) == 12
    assert derated(16, 0.3, 0.3, 0.75) == 16


def d(day: int, hour: float = 0.0) -> datetime:
    """Day `day` of the demo week at `hour`."""
    return datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=day, hours=hour)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (d(0, 0), d(1, 0), 16.0),  # a whole day holds one 06:00-22:00 shift
        (d(0, 10), d(1, 0), 12.0),  # from 10:00 on, 12 h are left
        (d(0, 23), d(1, 0), 0.0),  # after the shift
        (d(0, 0), d(3, 0), 48.0),  # three days
        (d(0, 21), d(1, 7), 2.0),  # one hour each side of midnight
    ],
)
def test_shift_overlap(start: datetime, end: datetime, hours: float) -> None:
    assert shift_overlap_hours(start, end, 6.0, 16.0) == pytest.approx(hours)


def test_shift_running_past_midnight() -> None:
    # a 20 h shift runs 06:00-02:00, so a midnight-aligned day still holds 20 h
    assert shift_overlap_hours(d(1, 0), d(2, 0), 6.0, 20.0) == pytest.approx(20.0)
    assert shift_containing(d(1, 1), 6.0, 20.0) == d(0, 6)
    assert shift_containing(d(1, 3), 6.0, 20.0) is None


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (d(0, 10), 5.0, d(0, 15)),  # within today's shift
        (d(0, 10), 12.0, d(0, 22)),  # exactly the rest of today
        (d(0, 10), 40.0, d(2, 18)),  # 12 today + 16 tomorrow + 12 the day after
        (d(0, 23), 1.0, d(1, 7)),  # between shifts: the next shift's first hour
        (d(0, 3), 0.0, d(0, 6)),  # zero hours before a shift: when it starts
    ],
)
def test_after_shift_hours(start: datetime, hours: float, expected: datetime) -> None:
    assert after_shift_hours(start, hours, 6.0, 16.0) == expected


def test_shift_left_today() -> None:
    assert shift_left_today(d(0, 5), 7.0, 10.0) == 10.0
    assert shift_left_today(d(0, 12), 7.0, 10.0) == 5.0
    assert shift_left_today(d(0, 18), 7.0, 10.0) == 0.0
