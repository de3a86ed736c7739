"""Customers: where they are, what they order each day and when they receive.

Each customer orders a `product_mix` share of the products, every product
is ordered by someone, and a line's daily rate is the demand level times
the product's volume, give or take half. Most customers receive 08-18; a
`narrow_window_share` of them receive in a shorter window of 6-8 hours.
A customer that orders cold goods with an hours-out-of-storage limit opens
by 08:00, or a vehicle leaving at 07:00 would wait out the limit at its
gate.

Customers are drafts until the network is settled: the builder may pull
one closer to a depot so that a vehicle can reach it (`pull_in`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from adapters.simulator.families.geography import Region, around, toward
from adapters.simulator.families.products import volume
from adapters.simulator.families.reach import Stop
from supplysync.network import Customer, Location, Product

WIDE = (8.0, 18.0)
NARROW = ((6.0, 13.0), (7.0, 15.0), (8.0, 16.0), (9.0, 15.0), (10.0, 18.0))
EARLY_OPEN = 8.0
SERVICE_MINUTES = (10.0, 15.0, 20.0, 30.0)
COLD_KINDS = ("clinic", "hospital", "lab", "pharmacy hub", "food plant")
KINDS = ("waterworks", "steelworks", "brewery", "paper mill", "refinery", "utility", "foundry")
PULL = 0.8
"""Each pull keeps this share of the distance to the depot."""
GATE_KM = 0.5
"""Closer than this a customer is at the depot's gate: moved onto it."""


@dataclass
class Draft:
    """A customer before the network is settled (its location may still move)."""

    id: str
    region: str
    location: Location
    demand: dict[str, float]
    window: tuple[float, float] = WIDE
    service_minutes: float = 15.0

    @property
    def stop(self) -> Stop:
        return Stop(self.location, self.window[0], self.window[1], self.service_minutes)

    def orders(self, cold: frozenset[str]) -> bool:
        """Whether any of its lines is a cold-chain product."""
        return any(p in cold for p in self.demand)


def draft_customers(
    rng: random.Random,
    count: int,
    regions: list[Region],
    products: list[Product],
    *,
    level: float,
    mix: float,
    narrow_share: float,
    cold_limit: bool,
) -> list[Draft]:
    """`count` customers dealt round the regions, with demand lines and windows."""
    width = len(str(count))
    lines = max(1, round(mix * len(products)))
    drafts = []
    for i in range(count):
        region = regions[i % len(regions)]
        picked = rng.sample(products, lines)
        drafts.append(
            Draft(
                id=f"C-{i + 1:0{width}d}",
                region=region.name,
                location=around(rng, region.centre, region.radius_km),
                demand={p.id: _rate(rng, p, level) for p in picked},
            )
        )
    for p in products:
        if not any(p.id in d.demand for d in drafts):
            rng.choice(drafts).demand[p.id] = _rate(rng, p, level)
    cold = frozenset(p.id for p in products if p.cold_chain)
    for d in drafts:
        d.demand = {p.id: d.demand[p.id] for p in products if p.id in d.demand}
        if rng.random() < narrow_share:
            early = [w for w in NARROW if w[0] <= EARLY_OPEN]
            d.window = rng.choice(early if cold_limit and d.orders(cold) else NARROW)
        d.service_minutes = rng.choice(SERVICE_MINUTES)
    return drafts


def pull_in(draft: Draft, depot: Location, ok: Callable[[Stop], bool]) -> None:
    """Move `draft` toward `depot` until `ok` holds for it (it does at the depot's gate)."""
    while not ok(draft.stop):
        if draft.location.km_to(depot) < GATE_KM:
            draft.location = depot
            return
        draft.location = toward(depot, draft.location, PULL)


def finish(drafts: list[Draft], cold: frozenset[str]) -> list[Customer]:
    """The settled customers, named by what they are and where."""
    out = []
    for n, d in enumerate(drafts):
        kinds = COLD_KINDS if d.orders(cold) else KINDS
        out.append(
            Customer(
                id=d.id,
                name=f"{kinds[n % len(kinds)].capitalize()} {d.id} ({d.region})",
                location=d.location,
                region=d.region,
                demand_per_day=d.demand,
                window_open_h=d.window[0],
                window_close_h=d.window[1],
                service_minutes=d.service_minutes,
            )
        )
    return out


def _rate(rng: random.Random, product: Product, level: float) -> float:
    return float(max(1, round(level * volume(product) * rng.uniform(0.5, 1.5))))
