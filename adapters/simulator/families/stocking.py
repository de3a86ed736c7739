"""Warehouse stock settings as a competent planner would set them by hand.

For each product a warehouse serves, with `d` its daily demand and `L` the
lead time of the way it is replenished (one day made at its own plant or
moved from another warehouse, else the cheapest supplier's lead, which is
where the reorder rule buys):

- reorder point: `d (L + R) + z σ sqrt(L + R)`, the demand over the lead
  time and the review period `R` (the daily planning tick) plus safety
  stock, with `σ` the day-to-day deviation of the customers' orders taken
  as independent;
- order quantity: `order_days` of demand, rounded to a tidy lot;
- opening stock: `initial_days` of demand plus the safety stock, and at
  least the reorder point, so that no warehouse opens already short.

A plant's dock also stocks for the warehouses that get the product moved
from a plant, so its share of their demand is added to its own (echelon
stock); a backup supplier of a made product is for emergencies.

Capacity is the most a warehouse would hold under these settings (reorder
point plus a lot, or its opening stock) over `warehouse_tightness`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adapters.simulator.families.service import Lines
from supplysync.network import Location, Warehouse

MIN_CAPACITY = 100.0


@dataclass(frozen=True)
class StockRules:
    """The planner's rules of thumb, from the knobs."""

    review_days: float
    service_z: float
    order_days: float
    initial_days: float
    tightness: float


@dataclass(frozen=True)
class Site:
    """A warehouse before it has stock settings."""

    id: str
    name: str
    region: str
    location: Location
    cold_storage: bool


@dataclass(frozen=True)
class Need:
    """Daily demand a warehouse stocks for one product: mean, deviation, lead time."""

    mean: float
    sd: float
    lead_days: float


def needs(
    sites: Sequence[Site],
    lines: Lines,
    products: Sequence[str],
    *,
    makers: Mapping[str, frozenset[str]],
    buy_lead: Mapping[str, int],
    transfer_days: float,
    cv: float,
) -> dict[tuple[str, str], Need]:
    """What each warehouse stocks for, by (warehouse, product).

    Args:
        makers: for each made product, the docks of plants that make it.
        buy_lead: lead time of each product's cheapest quote (made ones need none).
    """
    out: dict[tuple[str, str], Need] = {}
    for p in products:
        docks = makers.get(p, frozenset())
        pulled = [r for s in sites if s.id not in docks for r in lines.rates.get((s.id, p), ())]
        for s in sites:
            own = list(lines.rates.get((s.id, p), ()))
            if s.id in docks:
                lead = 1.0
                mean = sum(own) + sum(pulled) / len(docks)
                var = sum(r * r for r in own) + sum(r * r for r in pulled) / len(docks)
            else:
                lead = transfer_days if docks else float(buy_lead[p])
                mean, var = sum(own), sum(r * r for r in own)
            if mean > 0:
                out[s.id, p] = Need(mean, cv * math.sqrt(var), lead)
    return out


def build_warehouses(
    sites: Sequence[Site], need: Mapping[tuple[str, str], Need], rules: StockRules
) -> list[Warehouse]:
    """Warehouses with opening stock, reorder points, order quantities and capacity."""
    out = []
    for s in sites:
        initial: dict[str, float] = {}
        reorder: dict[str, float] = {}
        lot: dict[str, float] = {}
        for (w, p), n in need.items():
            if w != s.id:
                continue
            cover = n.lead_days + rules.review_days
            safety = rules.service_z * n.sd * math.sqrt(cover)
            reorder[p] = float(math.ceil(n.mean * cover + safety))
            lot[p] = _tidy(rules.order_days * n.mean)
            initial[p] = max(reorder[p], float(math.ceil(rules.initial_days * n.mean + safety)))
        most = sum(max(initial[p], reorder[p] + lot[p]) for p in initial)
        out.append(
            Warehouse(
                id=s.id,
                name=s.name,
                location=s.location,
                region=s.region,
                capacity_units=max(MIN_CAPACITY, 100 * math.ceil(most / rules.tightness / 100)),
                cold_storage=s.cold_storage,
                initial_stock=initial,
                reorder_point=reorder,
                order_quantity=lot,
            )
        )
    return out


def _tidy(units: float) -> float:
    """Round a lot up to 5s, 10s or 50s, as lots are ordered."""
    step = 5 if units < 50 else 10 if units < 500 else 50
    return float(max(step, step * math.ceil(units / step)))
