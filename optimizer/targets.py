"""Stock targets: the buffer each warehouse keeps, and the demand just after the window.

A rolling-horizon plan sees only its window. Left alone it buys exactly the
forecast, keeps no buffer against demand above it, and ends the window with
as little stock as it can, because nothing after the window is priced. Each
replan then moves that end a day further, so a buffer planned for the end
never arrives, and a source slower than the window is never used.

Per warehouse and product, derived from the network and the demand the
order book has seen, never from hand-set reorder points:

- ``mean``: the demand per period of the customers the warehouse is nearest
  to, at the level their region has lately ordered at
  (`OrderBook.demand_levels`: a spike seen in the orders lasts into the
  tail); the replenishment builder lets it fall due in the ``lead`` periods
  after the window (the window's *tail*), which only stock on hand or on the
  way can serve: no decision after the window lands in time.
- ``lead``: periods from a decision until goods can leave the warehouse,
  over its fastest source (`optimizer.data`).
- ``safety``: units kept on hand every period, against the forecast error
  over the time a new order takes to land and against that time slipping:
  ``z * sqrt(lead * sigma**2 + (mean * lead_sd)**2)`` (the textbook form for
  random demand and lead time), where ``sigma`` is the standard deviation of
  that demand per period (`demand_cv` times each customer's rate, summed:
  customers of one region swing together when a spike hits them),
  ``lead_sd`` the standard deviation of a lead time in periods (larger for a
  product with a single source, which nothing can replace when it slips:
  `CostModel.single_source_lead_sd_periods`), and ``z`` the service
  factor of the product's newsvendor ratio (shortage penalty against
  holding over ``lead`` periods), capped.

Pure arithmetic over the planning data's parts; `optimizer.data` calls it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

from supplysync.network import Network

Key2 = tuple[str, str]

Z_MAX = 3.0
"""Highest service factor (99 % cycle service): above it buffers grow fast for little."""


@dataclass(frozen=True)
class StockTarget:
    """What one warehouse should hold of one product.

    Attributes:
        safety: units to keep on hand at the end of every period.
        mean: expected demand per period it serves.
        lead: periods from a decision until goods can leave it (at least 1).
    """

    safety: float
    mean: float
    lead: int


def service_factor(penalty: float, holding_per_period: float, periods: float) -> float:
    """The newsvendor z of a product: lost sales cost `penalty`, holding over `periods`."""
    over = holding_per_period * max(periods, 1.0)
    if penalty <= 0:
        return 0.0
    ratio = penalty / (penalty + over)
    return min(Z_MAX, max(0.0, NormalDist().inv_cdf(min(ratio, 0.999999))))


def stock_targets(
    *,
    network: Network,
    arcs: Iterable[Key2],
    cold_arcs: Iterable[Key2],
    km: Mapping[Key2, float],
    leads: Mapping[Key2, int],
    cold: frozenset[str],
    period_hours: float,
    demand_cv: float,
    lead_sd: Mapping[str, float],
    holding: Mapping[str, float],
    levels: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[Key2, StockTarget]:
    """Targets for every (warehouse, product) that serves some customer's demand.

    Args:
        network: customers' daily rates, products' penalties.
        arcs: (warehouse, customer) pairs a vehicle reaches.
        cold_arcs: the pairs a working reefer reaches.
        km: road km by (warehouse, customer).
        leads: periods from a decision to goods landing at each (warehouse,
            product): its fastest source; pairs missing have no source.
        cold: cold-chain product ids.
        period_hours: length of a period.
        demand_cv: coefficient of variation of daily demand around the rate.
        lead_sd: standard deviation of a lead time, in periods, by product.
        holding: holding cost per unit and period, by product.
        levels: recent demand against the rates, by region and product (missing: 1).
    """
    scale = period_hours / 24.0
    home = _nearest(arcs, km)
    home_cold = _nearest(cold_arcs, km)
    mean: dict[Key2, float] = defaultdict(float)
    spread: dict[Key2, float] = defaultdict(float)
    for c in network.customers:
        level = (levels or {}).get(c.region, {})
        for p, nominal in c.demand_per_day.items():
            w = (home_cold if p in cold else home).get(c.id)
            rate = nominal * level.get(p, 1.0)
            if w is None or rate <= 0:
                continue
            mean[w, p] += rate * scale
            spread[w, p] += demand_cv * rate * math.sqrt(scale)
    penalty = {p.id: p.shortage_penalty for p in network.products}
    out: dict[Key2, StockTarget] = {}
    for (w, p), mu in mean.items():
        lead = leads.get((w, p))
        if lead is None:
            continue
        z = service_factor(penalty[p], holding[p], lead)
        safety = z * math.sqrt(lead * spread[w, p] ** 2 + (mu * lead_sd[p]) ** 2)
        out[w, p] = StockTarget(safety=round(safety, 3), mean=round(mu, 3), lead=lead)
    return out


def _nearest(arcs: Iterable[Key2], km: Mapping[Key2, float]) -> dict[str, str]:
    """Each customer's nearest warehouse among the pairs given."""
    best: dict[str, tuple[float, str]] = {}
    for w, c in arcs:
        d = (km[w, c], w)
        if c not in best or d < best[c]:
            best[c] = d
    return {c: w for c, (_, w) in best.items()}
