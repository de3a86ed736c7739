"""Suppliers and their quotes: who sells what, how fast, at what price.

Every bought product has a main supplier, cheap and the slower of the
lead-time range; a `multi_source_share` of them also have a second one,
dearer by 15-35 % and faster, which is what a planner turns to when the
main one is late. Made products may have a dear backup supplier. Main
suppliers can ship the network's daily demand over `supplier_tightness`
a day, second sources half of that. Products are dealt round the suppliers
so each sells a few; a supplier left with nothing becomes a second source.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from supplysync.network import Location, Product, Supplier, SupplyQuote

SECOND = 0.5
"""A second or backup source ships this share of what a main one does."""


@dataclass(frozen=True)
class Leads:
    """The range of supplier lead times, whole days."""

    shortest: int
    longest: int

    def slow(self, rng: random.Random, *, has_fast: bool) -> int:
        """A main supplier's lead: the upper half of the range when a faster one exists."""
        low = (self.shortest + self.longest + 1) // 2 if has_fast else self.shortest
        return rng.randint(low, self.longest)

    def fast(self, rng: random.Random, slow: int) -> int:
        """A second source's lead: shorter than the main one's when the range allows."""
        return rng.randint(self.shortest, max(self.shortest, slow - 1))


@dataclass(frozen=True)
class SupplierSite:
    """Where a supplier is, before it has quotes."""

    id: str
    name: str
    region: str
    location: Location


def build_suppliers(
    rng: random.Random,
    sites: Sequence[SupplierSite],
    products: Sequence[Product],
    made: frozenset[str],
    demand: Mapping[str, float],
    *,
    leads: Leads,
    multi_source_share: float,
    tightness: float,
) -> list[Supplier]:
    """The suppliers with their quotes; every product not made is quoted by one."""
    order = list(sites)
    rng.shuffle(order)
    quotes: dict[str, list[SupplyQuote]] = {s.id: [] for s in sites}

    def quote(supplier: str, p: Product, share: float, lead: int, price: float) -> None:
        units = share * demand.get(p.id, 0.0) / tightness
        quotes[supplier].append(
            SupplyQuote(
                product_id=p.id,
                capacity_per_day=max(10.0, 10 * math.ceil(units / 10)),
                lead_time_days=lead,
                unit_price=round(price, 2),
            )
        )

    main_lead: dict[str, int] = {}
    for i, p in enumerate(p for p in products if p.id not in made):
        second = len(sites) > 1 and rng.random() < multi_source_share
        main_lead[p.id] = leads.slow(rng, has_fast=second)
        cost = p.unit_value * rng.uniform(0.55, 0.75)
        quote(order[i % len(order)].id, p, 1.0, main_lead[p.id], cost)
        if second:
            dear = cost * rng.uniform(1.15, 1.35)
            quote(_least_busy(quotes, p.id), p, SECOND, leads.fast(rng, main_lead[p.id]), dear)
    for p in products:
        if p.id in made and rng.random() < multi_source_share:
            lead, dear = (
                rng.randint(leads.shortest, leads.longest),
                p.unit_value * rng.uniform(0.8, 0.95),
            )
            quote(_least_busy(quotes, p.id), p, SECOND, lead, dear)
    for s in order:
        if not quotes[s.id]:
            p = min(products, key=lambda p: _sources(quotes, p.id))
            lead = leads.fast(rng, main_lead.get(p.id, leads.longest))
            quote(s.id, p, SECOND, lead, p.unit_value * rng.uniform(0.8, 0.95))
    return [
        Supplier(id=s.id, name=s.name, location=s.location, region=s.region, quotes=quotes[s.id])
        for s in sites
    ]


def _least_busy(quotes: Mapping[str, list[SupplyQuote]], product_id: str) -> str:
    """The supplier with the fewest quotes among those not yet quoting `product_id`."""
    free = [s for s, qs in quotes.items() if all(q.product_id != product_id for q in qs)]
    return min(free, key=lambda s: len(quotes[s]))


def _sources(quotes: Mapping[str, list[SupplyQuote]], product_id: str) -> int:
    return sum(q.product_id == product_id for qs in quotes.values() for q in qs)
