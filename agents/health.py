"""Machine health from vibration: zones, a health estimate and a wear trend.

The wear model of docs/sensors.md makes running vibration
`v = base + gain * w^2` with wear `w = 1 - h` growing linearly in running
hours. So `w = sqrt((v - base) / gain)` is linear in the hour meter, and a
straight-line fit of it predicts when vibration will cross the danger level.
The fit is gated by the slope's t-statistic, because near a new machine's
baseline the transform of pure noise is biased and would otherwise predict
phantom failures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

import numpy as np

_GN_ITERATIONS = 30
_MAX_WEAR = 10.0


ZoneName = Literal["good", "alarm", "danger"]


class Zone(IntEnum):
    """ISO 10816-3 style vibration zones, ordered by severity."""

    GOOD = 0
    ALARM = 1
    DANGER = 2

    @property
    def label(self) -> ZoneName:
        """The zone as a machine's state names it."""
        return _LABELS[self]


_LABELS: dict[Zone, ZoneName] = {Zone.GOOD: "good", Zone.ALARM: "alarm", Zone.DANGER: "danger"}


def vibration_zone(mm_s: float, warn: float, danger: float) -> Zone:
    """The zone of a running vibration reading."""
    if mm_s > danger:
        return Zone.DANGER
    if mm_s >= warn:
        return Zone.ALARM
    return Zone.GOOD


def wear_index(mm_s: float, base: float, gain: float) -> float:
    """Wear `1 - h` implied by a running vibration reading (0 at or below the baseline)."""
    return math.sqrt(max(mm_s - base, 0.0) / gain)


def estimate_health(mm_s: float, base: float, gain: float) -> float:
    """Health in [0, 1] implied by a running vibration level."""
    return min(1.0, max(0.0, 1.0 - wear_index(mm_s, base, gain)))


@dataclass(frozen=True)
class WearTrend:
    """A straight-line fit of wear against the hour meter.

    Attributes:
        slope_per_hour: wear gained per running hour.
        t_stat: the slope over its standard error; large means a real trend.
        wear_now: the fitted wear at the latest sample.
        hours_to_danger: running hours until the fit reaches the danger
            level (0 when already there; inf when the slope is not positive).
        samples: how many samples the fit used.
    """

    slope_per_hour: float
    t_stat: float
    wear_now: float
    hours_to_danger: float
    samples: int


def fit_wear_trend(
    hours: Sequence[float], mm_s: Sequence[float], *, danger: float, base: float, gain: float
) -> WearTrend | None:
    """Fit wear against running hours; None when the samples cannot support a line."""
    n = len(hours)
    if n < 3:
        return None
    t = np.asarray(hours, dtype=float)
    v = np.asarray(mm_s, dtype=float)
    dt = t - t.mean()
    sxx = float(dt @ dt)
    if sxx <= 1e-12:
        return None
    w = np.sqrt(np.maximum(v - base, 0.0) / gain)
    slope = float(dt @ (w - w.mean())) / sxx
    level = float(w.mean())
    refined = _refine(dt, v, level, slope, base=base, gain=gain)
    if refined is not None:
        level, slope, se = refined
    else:
        residuals = w - (level + slope * dt)
        se = math.sqrt(float(residuals @ residuals) / (n - 2) / sxx)
    t_stat = math.inf if se == 0 else slope / se
    wear_now = level + slope * float(dt.max())
    danger_wear = wear_index(danger, base, gain)
    if wear_now >= danger_wear:
        to_danger = 0.0
    elif slope > 0:
        to_danger = (danger_wear - wear_now) / slope
    else:
        to_danger = math.inf
    return WearTrend(slope, t_stat, wear_now, to_danger, n)


def _refine(
    dt: np.ndarray, v: np.ndarray, level: float, slope: float, *, base: float, gain: float
) -> tuple[float, float, float] | None:
    """Least squares on the vibration itself, started from the linearised fit.

    The square-root transform is biased near the baseline, where noise is
    clipped at zero; fitting `base + gain * (level + slope * dt)^2` to the raw
    readings (Gauss-Newton, two parameters, normal equations solved in closed
    form) is not. Returns (level, slope, slope's standard error), or None when
    the iteration wanders off or does not settle, and the caller keeps the
    linearised fit.
    """
    span = float(dt.max() - dt.min())
    dt2 = dt * dt

    def normal(
        level: float, slope: float
    ) -> tuple[np.ndarray, np.ndarray, float, float, float, float]:
        """Wear, residuals and the normal-equation terms at (level, slope)."""
        u = level + slope * dt
        r = v - (base + gain * u * u)
        u2 = u * u
        a, b, c = float(u2.sum()), float(u2 @ dt), float(u2 @ dt2)
        return u, r, a, b, c, a * c - b * b

    with np.errstate(all="ignore"):
        for _ in range(_GN_ITERATIONS):
            u, r, a, b, c, det = normal(level, slope)
            if not det > 0:
                return None
            g1, g2 = float(u @ r), float((u * dt) @ r)
            # J = 2 gain [u, u dt]; the step solves (J'J) step = J' r
            d_level = (c * g1 - b * g2) / det / (2 * gain)
            d_slope = (a * g2 - b * g1) / det / (2 * gain)
            level, slope = level + d_level, slope + d_slope
            if not (abs(level) <= _MAX_WEAR and abs(slope) * span <= _MAX_WEAR):
                return None
            if max(abs(d_level), abs(d_slope)) < 1e-9:
                break
        else:
            return None
        _, r, a, b, c, det = normal(level, slope)
        if not det > 0:
            return None
    sigma2 = float(r @ r) / (len(v) - 2)
    se = math.sqrt(max(0.0, sigma2 * a / det / (4 * gain * gain)))
    if level < 0:  # the mirror image of the same parabola; wear is positive
        level, slope = -level, -slope
    return level, slope, se


def failure_predicted(
    trend: WearTrend | None, *, min_samples: int, min_t: float, horizon_h: float
) -> bool:
    """Whether a fitted trend is strong and near enough to act on."""
    return (
        trend is not None
        and trend.samples >= min_samples
        and trend.slope_per_hour > 0
        and trend.t_stat >= min_t
        and trend.hours_to_danger <= horizon_h
    )


def derated(capacity_h: float, health: float, threshold: float, factor: float) -> float:
    """Capacity after derating a machine whose estimated health is below the threshold."""
    return capacity_h * factor if health < threshold else capacity_h
