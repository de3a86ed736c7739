"""Who serves whom: each customer's product from the nearest warehouse that can.

This is how a planner without an optimizer assigns service, and how the
reorder-point baseline does (`optimizer.baselines._nearest`): ambient goods
from the nearest warehouse whose vehicles reach the customer, cold-chain
goods from the nearest one with a reefer that does. Stock levels, vehicle
capacities and capacities derived from them follow this assignment, so
the demand each warehouse expects is the demand it will see under the
baseline, and what the MILP may shift is slack on top.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adapters.simulator.families.customers import Draft
from adapters.simulator.families.reach import Drive
from supplysync.network import Location


@dataclass(frozen=True)
class Depots:
    """Warehouse locations, the ones that run reefers, and how vehicles drive."""

    locations: Mapping[str, Location]
    reefer_depots: frozenset[str]
    drive: Drive
    hours_out: float | None

    def can_serve(self, w: str, draft: Draft, cold: bool) -> bool:
        """Whether warehouse `w`'s fleet can deliver a product to `draft` (cold or not)."""
        if not cold:
            return self.drive.reaches(self.locations[w], draft.stop)
        return w in self.reefer_depots and self.drive.reaches_cold(
            self.locations[w], draft.stop, self.hours_out
        )

    def nearest(self, draft: Draft, cold: bool) -> str | None:
        """The nearest warehouse that can serve `draft`, None if none can."""
        able = [w for w in self.locations if self.can_serve(w, draft, cold)]
        return min(able, key=lambda w: self.locations[w].km_to(draft.location), default=None)


@dataclass(frozen=True)
class Lines:
    """Daily demand each warehouse serves, per product and per customer line."""

    by_customer: Mapping[tuple[str, str], str]
    rates: Mapping[tuple[str, str], list[float]]

    def served(self, w: str, p: str) -> float:
        """Units per day of `p` that warehouse `w` delivers."""
        return sum(self.rates.get((w, p), ()))

    def total(self, w: str, products: Sequence[str]) -> float:
        return sum(self.served(w, p) for p in products)


def assign(drafts: Sequence[Draft], depots: Depots, cold: frozenset[str]) -> Lines:
    """Each (customer, product) line to its nearest able warehouse.

    Raises:
        ValueError: a line no warehouse can serve (the builder pulls
            customers in first, so this is a bug in it).
    """
    by_customer: dict[tuple[str, str], str] = {}
    rates: dict[tuple[str, str], list[float]] = defaultdict(list)
    for d in drafts:
        for p, rate in d.demand.items():
            w = depots.nearest(d, p in cold)
            if w is None:
                raise ValueError(f"no warehouse can serve {p} to {d.id}")
            by_customer[d.id, p] = w
            rates[w, p].append(rate)
    return Lines(by_customer, dict(rates))
