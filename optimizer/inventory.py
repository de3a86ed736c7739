"""Exact single-item inventory optima: the oracles a reorder policy is checked against.

- `newsvendor`: one period, normal demand: the critical-ratio quantile.
- `eoq`: deterministic demand, fixed order cost: the square-root lot size.
- `optimal_s_s`: periodic review, discrete i.i.d. demand, backorders,
  holding ``h`` and shortage ``p`` per unit and period, a fixed cost ``K``
  per order: the (s, S) policy of least long-run cost per period, by Zheng
  and Federgruen's algorithm (Operations Research 39(4), 1991), with its
  renewal-theory cost ``c(s, S)``. A lead time of L periods enters as they
  describe: the period cost of a position y is taken over the demand of the
  L + 1 periods an order placed now must cover (`lead_pmf`), while the
  position itself moves by one period's demand.

These are written here rather than taken from stockpyl, which computes
the same optima, because its runtime requirements include Sphinx and some
forty packages a planner does not need; the reference values of
`../shared/data/README.md` (Zheng and Federgruen's own example) check them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

from scipy import stats

TAIL = 1e-12
"""Probability mass left out of a discrete demand's support."""


@dataclass(frozen=True)
class Optimum:
    """An optimal policy and its expected cost per period.

    Attributes:
        reorder_at: s, the position at or below which an order goes out.
        order_up_to: S, the position an order brings back (for `eoq`, the
            order quantity).
        cost: expected cost per period.
    """

    reorder_at: float
    order_up_to: float
    cost: float


def newsvendor(*, h: float, p: float, mean: float, sd: float) -> Optimum:
    """The order-up-to level S* of one period of N(mean, sd²) demand and its expected cost.

    `reorder_at` is S* too: a newsvendor orders up to S* from anything below it.
    """
    if h <= 0 or p <= 0 or sd <= 0:
        raise ValueError("Expected h, p and sd above 0.")
    z = NormalDist().inv_cdf(p / (p + h))
    level = mean + sd * z
    return Optimum(reorder_at=level, order_up_to=level, cost=(h + p) * sd * NormalDist().pdf(z))


def eoq(*, K: float, h: float, demand: float) -> Optimum:  # noqa: N803 - the textbook's K
    """The economic order quantity (as `order_up_to`) and its cost per unit time."""
    if K <= 0 or h <= 0 or demand <= 0:
        raise ValueError("Expected K, h and demand above 0.")
    quantity = math.sqrt(2 * K * demand / h)
    return Optimum(reorder_at=0.0, order_up_to=quantity, cost=math.sqrt(2 * K * demand * h))


def poisson_pmf(mean: float) -> list[float]:
    """P(D = d) for d = 0, 1, ... of Poisson(`mean`), up to where `TAIL` mass is left."""
    top = int(stats.poisson.isf(TAIL, mean)) + 1
    return [float(x) for x in stats.poisson.pmf(range(top + 1), mean)]


def normal_pmf(mean: float, sd: float) -> list[float]:
    """N(mean, sd²) rounded to whole units: P(D = d) = P(d - 1/2 < X <= d + 1/2), d >= 0.

    The mass below 1/2 is P(D = 0), so nothing is lost to negative demand.
    """
    if mean <= 0 or sd <= 0:
        raise ValueError("Expected mean and sd above 0.")
    dist = NormalDist(mean, sd)
    top = math.ceil(mean + 8 * sd)
    cdf = [dist.cdf(d + 0.5) for d in range(top + 1)]
    return [cdf[0], *(cdf[d] - cdf[d - 1] for d in range(1, top + 1))]


def optimal_s_s(
    *,
    h: float,
    p: float,
    K: float,  # noqa: N803 - the textbook's K
    pmf: Sequence[float],
    lead_pmf: Sequence[float] | None = None,
) -> Optimum:
    """The optimal (s, S): order up to S when the position is at or below s.

    Args:
        h: holding cost per unit left at the end of a period.
        p: shortage cost per unit backordered at the end of a period.
        K: fixed cost per order.
        pmf: P(demand = d) for d = 0, 1, ... in one period; P(0) < 1.
        lead_pmf: the same over the lead time plus one period (default
            `pmf`: no lead time).
    """
    if h <= 0 or p <= 0 or K < 0:
        raise ValueError("Expected h and p above 0 and K at least 0.")
    if not pmf or pmf[0] >= 1 or any(x < 0 for x in pmf):
        raise ValueError("Expected a demand distribution with some mass above 0.")
    G = _one_period(h, p, pmf if lead_pmf is None else lead_pmf)  # noqa: N806
    m = _renewal(pmf)

    def cost(s: int, S: int) -> float:  # noqa: N803
        n = S - s
        return (K + math.fsum(m(j) * G(S - j) for j in range(n))) / math.fsum(
            m(j) for j in range(n)
        )

    y = _argmin(G)
    s, S = y - 1, y  # noqa: N806
    while cost(s, S) > G(s):
        s -= 1
    best = cost(s, S)
    candidate = S + 1
    while G(candidate) <= best:
        if cost(s, candidate) < best:
            S = candidate  # noqa: N806
            while cost(s, S) <= G(s + 1):
                s += 1
            best = cost(s, S)
        candidate += 1
    return Optimum(reorder_at=float(s), order_up_to=float(S), cost=best)


def _one_period(h: float, p: float, pmf: Sequence[float]) -> Callable[[int], float]:
    """G(y): expected holding and shortage cost of a period that starts at position y."""
    mean = math.fsum(d * q for d, q in enumerate(pmf))

    @cache
    def G(y: int) -> float:  # noqa: N802
        short = math.fsum((d - y) * q for d, q in enumerate(pmf) if d > y)
        return h * (y - mean) + (h + p) * short

    return G


def _renewal(pmf: Sequence[float]) -> Callable[[int], float]:
    """m(j): expected periods the position spends j below the order-up-to level per cycle.

    m(0) = 1 / (1 - P0) and m(j) = sum over k in 1..j of P(k) m(j - k) / (1 - P0),
    kept as a list that grows on demand (no recursion, whatever j).
    """
    stay = 1.0 - pmf[0]
    values = [1.0 / stay]

    def m(j: int) -> float:
        while len(values) <= j:
            i = len(values)
            top = min(i, len(pmf) - 1)
            values.append(math.fsum(pmf[k] * values[i - k] for k in range(1, top + 1)) / stay)
        return values[j]

    return m


def _argmin(G: Callable[[int], float]) -> int:  # noqa: N803
    """The integer minimising a convex G, walking from 0 in the descending direction."""
    y = 0
    step = -1 if G(-1) < G(0) else 1
    while G(y + step) < G(y):
        y += step
    return y
