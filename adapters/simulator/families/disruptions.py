"""Scripted disruptions: which kinds, when, hitting what, how hard.

`timing` puts every start in the early, middle or late third of the run
(so several disruptions overlap there), or spreads the starts evenly over
it; `disruption_day` pins them all to one day. Sizes are what a planner
would call a bad day at `severity` 1 (demand 1.6-2.4 times the usual for
1-3 days, a machine wearing 8-16 times faster, a supplier 1.5-3 days late,
a reefer down for one to two days, roads at a third to half speed for a
morning, a surprise delivery filling most of a warehouse's free room);
severity scales them. Targets differ between disruptions of one kind while
there are others to hit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from adapters.simulator.families.knobs import Knobs, Timing
from supplysync.network import Network
from supplysync.scenario import (
    DemandSpike,
    Disruption,
    InboundSurge,
    MachineDegradation,
    ReeferFailure,
    SupplierDelay,
    TrafficDelay,
)


@dataclass
class _Draw:
    """What every maker needs: chance, the network, the run length and severity."""

    rng: random.Random
    net: Network
    days: int
    severity: float
    used: set[Hashable] = field(default_factory=set)

    def pick(self, kind: str, options: list[str]) -> str:
        """One of `options`, preferring those this kind has not hit yet."""
        fresh = [o for o in options if (kind, o) not in self.used]
        choice = self.rng.choice(fresh or options)
        self.used.add((kind, choice))
        return choice

    def half_hour(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high) * 2) / 2

    @property
    def regions(self) -> list[str]:
        return sorted({c.region for c in self.net.customers})


def start_days(rng: random.Random, count: int, days: int, timing: Timing) -> list[int]:
    """Start days of `count` disruptions in a run of `days`.

    Starts fall on day 1 to the day before last where the run allows (a
    disruption on day 0 gives no plan a chance; one on the last day is
    barely measured).
    """
    lo = min(1, days - 1)
    hi = max(lo, days - 2)
    span = hi - lo
    if timing == "spread":
        starts = [lo + round(span * (i + 0.5) / count) for i in range(count)]
        rng.shuffle(starts)
        return starts
    third = {"early": 0, "mid": 1, "late": 2}[timing]
    low = lo + span * third // 3
    high = hi if third == 2 else lo + span * (third + 1) // 3
    return [rng.randint(low, high) for _ in range(count)]


def build_disruptions(rng: random.Random, knobs: Knobs, net: Network) -> list[Disruption]:
    """The disruptions the knobs ask for, ordered by start day."""
    kinds = knobs.disruptions
    if knobs.disruption_day is not None:
        starts = [knobs.disruption_day] * len(kinds)
    else:
        starts = start_days(rng, len(kinds), knobs.days, knobs.timing)
    draw = _Draw(rng, net, knobs.days, knobs.severity)
    made = [MAKERS[kind](draw, day) for kind, day in zip(kinds, starts, strict=True)]
    order = sorted(range(len(made)), key=lambda i: starts[i])
    return [made[i] for i in order]


def _spike(draw: _Draw, day: int) -> Disruption:
    region = draw.pick("spike", draw.regions)
    sold = sorted({p for c in draw.net.customers if c.region == region for p in c.demand_per_day})
    some = draw.rng.random() < 0.5 and len(sold) > 1
    return DemandSpike(
        region=region,
        factor=round(min(20.0, 1 + draw.rng.uniform(0.6, 1.4) * draw.severity), 2),
        start_day=day,
        end_day=min(draw.days - 1, day + draw.rng.randint(1, 3)),
        products=sorted(draw.rng.sample(sold, max(1, len(sold) // 2))) if some else [],
    )


def _wear(draw: _Draw, day: int) -> Disruption:
    return MachineDegradation(
        machine_id=draw.pick("wear", [m.id for m in draw.net.machines]),
        start_day=day,
        wear_multiplier=round(min(1000.0, max(1.0, draw.rng.uniform(8, 16) * draw.severity)), 1),
    )


def _late(draw: _Draw, day: int) -> Disruption:
    return SupplierDelay(
        supplier_id=draw.pick("late", [s.id for s in draw.net.suppliers]),
        start_day=day,
        delay_days=min(60.0, max(0.5, draw.half_hour(1.5 * draw.severity, 3.0 * draw.severity))),
    )


def _reefer(draw: _Draw, day: int) -> Disruption:
    return ReeferFailure(
        vehicle_id=draw.pick("reefer", [v.id for v in draw.net.vehicles if v.refrigerated]),
        start_day=day,
        start_hour=draw.half_hour(6, 12),
        duration_hours=max(1.0, round(draw.rng.uniform(24, 48) * draw.severity)),
    )


def _traffic(draw: _Draw, day: int) -> Disruption:
    return TrafficDelay(
        region=draw.pick("traffic", draw.regions),
        start_day=day,
        start_hour=draw.half_hour(6, 9),
        duration_hours=max(1.0, round(draw.rng.uniform(4, 8) * draw.severity)),
        speed_factor=round(min(0.9, max(0.1, draw.rng.uniform(0.3, 0.5) / draw.severity)), 2),
    )


def _surge(draw: _Draw, day: int) -> Disruption:
    cold = {p.id for p in draw.net.products if p.cold_chain}
    ambient = sorted(p.id for p in draw.net.products if p.id not in cold)
    able = [w.id for w in draw.net.warehouses if w.cold_storage or ambient]
    w = draw.net.warehouse(draw.pick("surge", able))
    stocked = sorted(p for p in w.initial_stock if w.cold_storage or p not in cold)
    product = draw.rng.choice(stocked or ambient or sorted(cold))
    free = w.capacity_units - sum(w.initial_stock.values())
    return InboundSurge(
        warehouse_id=w.id,
        product_id=product,
        day=day,
        quantity=float(max(10, round(free * draw.rng.uniform(0.6, 0.9) * draw.severity))),
    )


MAKERS: dict[str, Callable[[_Draw, int], Disruption]] = {
    "demand_spike": _spike,
    "machine_degradation": _wear,
    "supplier_delay": _late,
    "reefer_failure": _reefer,
    "traffic_delay": _traffic,
    "inbound_surge": _surge,
}
