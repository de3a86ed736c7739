"""Scripted disruptions as lookups by asset, region and simulation hour.

Each model asks the question it cares about (how fast does this machine wear
now, is this reefer unit working) instead of scanning the scenario list.
Models whose rates change at a disruption's edge split their time steps at
`breakpoints`, so a change never lands in the middle of an integration step.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict

from supplysync.scenario import (
    DemandSpike,
    InboundSurge,
    MachineDegradation,
    ReeferFailure,
    Scenario,
    SupplierDelay,
    TrafficDelay,
)


class Disruptions:
    """Indexes a scenario's disruptions for quick lookups."""

    def __init__(self, scenario: Scenario) -> None:
        self._spikes: list[DemandSpike] = []
        self._wear: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._delays: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._reefer: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self._traffic: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        self.surges: list[InboundSurge] = []
        for d in scenario.disruptions:
            if isinstance(d, DemandSpike):
                self._spikes.append(d)
            elif isinstance(d, MachineDegradation):
                self._wear[d.machine_id].append((24.0 * d.start_day, d.wear_multiplier))
            elif isinstance(d, SupplierDelay):
                self._delays[d.supplier_id].append((24.0 * d.start_day, 24.0 * d.delay_days))
            elif isinstance(d, ReeferFailure):
                begin = 24.0 * d.start_day + d.start_hour
                self._reefer[d.vehicle_id].append((begin, begin + d.duration_hours))
            elif isinstance(d, TrafficDelay):
                begin = 24.0 * d.start_day + d.start_hour
                self._traffic[d.region].append((begin, begin + d.duration_hours, d.speed_factor))
            else:
                self.surges.append(d)

    def demand_factor(self, region: str, product_id: str, due_day: int) -> float:
        """How many times its rate a customer of `region` orders for `due_day`."""
        factor = 1.0
        for s in self._spikes:
            if (
                s.region == region
                and s.start_day <= due_day <= s.end_day
                and (not s.products or product_id in s.products)
            ):
                factor *= s.factor
        return factor

    def wear_multiplier(self, machine_id: str, h: float) -> float:
        """Factor on the machine's wear rate at hour `h` (degradations compound)."""
        factor = 1.0
        for begin, mult in self._wear.get(machine_id, ()):
            if h >= begin - 1e-9:
                factor *= mult
        return factor

    def machine_breakpoints(self, machine_id: str) -> list[float]:
        return sorted(begin for begin, _ in self._wear.get(machine_id, ()))

    def hold_hours(self, supplier_id: str, ship_h: float) -> float:
        """How long a shipment leaving at `ship_h` stands still on its way."""
        return sum(
            hold for begin, hold in self._delays.get(supplier_id, ()) if ship_h >= begin - 1e-9
        )

    def reefer_failed(self, vehicle_id: str, h: float) -> bool:
        return any(a <= h < b for a, b in self._reefer.get(vehicle_id, ()))

    def traffic_factor(self, region: str, h: float) -> float:
        """Speed factor on roads into `region` at hour `h` (the worst one in force)."""
        factor = 1.0
        for a, b, f in self._traffic.get(region, ()):
            if a <= h < b:
                factor = min(factor, f)
        return factor

    def vehicle_breakpoints(self, vehicle_id: str) -> list[float]:
        """Hours at which a vehicle's cooling or any road speed changes."""
        points = {t for window in self._reefer.get(vehicle_id, ()) for t in window}
        for windows in self._traffic.values():
            points.update(t for a, b, _ in windows for t in (a, b))
        return sorted(points)


def next_breakpoint(points: list[float], h: float) -> float:
    """The first of the sorted `points` strictly after `h` (infinity when none)."""
    i = bisect.bisect_right(points, h + 1e-9)
    return points[i] if i < len(points) else math.inf
