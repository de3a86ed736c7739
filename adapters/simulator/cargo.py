"""Cargo-box thermodynamics: first-order relaxation and time out of range.

The box temperature relaxes exponentially toward a target that depends on
whether the cooling unit works and whether the door is open. Because the
curve is monotone within a segment, the time it spends outside a product's
range has a closed form, so excursions are exact whatever the step length.
"""

from __future__ import annotations

import math

AMBIENT_C = 16.0
SET_POINT_C = 4.0
DOOR_OPEN_COOLED_C = 10.0
"""A working unit with the door open loses ground to warm air but still fights it."""


def target(cooling: bool, door_open: bool) -> tuple[float, float]:
    """(temperature the box relaxes toward, time constant in hours)."""
    if cooling:
        return (DOOR_OPEN_COOLED_C, 1.0) if door_open else (SET_POINT_C, 0.25)
    return (AMBIENT_C, 0.25) if door_open else (AMBIENT_C, 1.0)


def relax(temp: float, toward: float, tau_h: float, dt_h: float) -> float:
    """Temperature after `dt_h` hours of relaxation."""
    return toward + (temp - toward) * math.exp(-dt_h / tau_h)


def hours_outside(
    temp: float, toward: float, tau_h: float, dt_h: float, *, lo: float, hi: float
) -> float:
    """Hours of the next `dt_h` the box spends above `hi` or below `lo`."""
    return _hours_above(temp, toward, tau_h, dt_h, hi) + _hours_above(
        -temp, -toward, tau_h, dt_h, -lo
    )


def _hours_above(temp: float, toward: float, tau_h: float, dt_h: float, bound: float) -> float:
    if temp > bound and toward >= bound:
        return dt_h
    if temp <= bound and toward <= bound:
        return 0.0
    # The curve crosses `bound` at s = tau ln((temp - toward) / (bound - toward)).
    cross = tau_h * math.log((temp - toward) / (bound - toward))
    if temp > bound:
        return min(dt_h, cross)
    return max(0.0, dt_h - cross)
