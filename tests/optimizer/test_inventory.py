"""Exact inventory optima against the published reference values (../shared/data/README.md)."""

from __future__ import annotations

import pytest

from optimizer.inventory import eoq, newsvendor, normal_pmf, optimal_s_s, poisson_pmf


def test_zheng_federgruen_s_s_example() -> None:
    """h=1, p=9, K=64, Poisson demand of mean 10: (s, S) = (6, 40), cost 35.022."""
    best = optimal_s_s(h=1, p=9, K=64, pmf=poisson_pmf(10))
    assert (best.reorder_at, best.order_up_to) == (6, 40)
    assert best.cost == pytest.approx(35.022, abs=1e-3)


def test_the_s_s_cost_is_the_stationary_cost_and_no_neighbour_beats_it() -> None:
    """The renewal formula agrees with the position's Markov chain, at and around the optimum."""
    pmf = poisson_pmf(10)
    best = optimal_s_s(h=1, p=9, K=64, pmf=pmf)
    low, up = int(best.reorder_at), int(best.order_up_to)
    assert _chain_cost(1, 9, 64, pmf, low, up) == pytest.approx(best.cost, abs=1e-6)
    for d_low, d_up in [(-1, 0), (1, 0), (0, -1), (0, 1), (1, 1), (-1, -1)]:
        assert _chain_cost(1, 9, 64, pmf, low + d_low, up + d_up) > best.cost


def test_without_a_fixed_cost_the_policy_is_base_stock() -> None:
    """K = 0: order up to the newsvendor level every period (S = s + 1)."""
    best = optimal_s_s(h=1, p=9, K=0, pmf=poisson_pmf(10))
    assert best.order_up_to == best.reorder_at + 1
    # the critical ratio 0.9 of Poisson(10) is 14
    assert best.order_up_to == 14


@pytest.mark.parametrize(
    ("h", "p", "mean", "sd", "level", "cost"),
    [(0.18, 0.70, 50, 8, 56.604, 1.9976), (43, 79, 900, 60, 922.72, 2718.20)],
)
def test_newsvendor(h: float, p: float, mean: float, sd: float, level: float, cost: float) -> None:
    best = newsvendor(h=h, p=p, mean=mean, sd=sd)
    assert best.order_up_to == pytest.approx(level, abs=1e-2 if level > 100 else 1e-3)
    assert best.cost == pytest.approx(cost, abs=1e-2 if cost > 100 else 1e-3)


def test_eoq() -> None:
    best = eoq(K=8, h=0.225, demand=1300)
    assert best.order_up_to == pytest.approx(304.05, abs=1e-2)
    assert best.cost == pytest.approx(68.41, abs=1e-2)


@pytest.mark.parametrize(
    "call",
    [
        lambda: optimal_s_s(h=0, p=9, K=64, pmf=poisson_pmf(10)),
        lambda: optimal_s_s(h=1, p=9, K=64, pmf=[1.0]),
        lambda: newsvendor(h=1, p=1, mean=1, sd=0),
        lambda: eoq(K=0, h=1, demand=1),
    ],
)
def test_degenerate_inputs_are_refused(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def _chain_cost(h: float, p: float, K: float, pmf: list[float], s: int, S: int) -> float:  # noqa: N803
    """Cost per period of (s, S) from the stationary distribution of the position after ordering."""
    # positions s+1..S; from y, demand d moves to y-d, and at or below s back to S
    states = list(range(s + 1, S + 1))
    index = {y: i for i, y in enumerate(states)}
    n = len(states)
    # power iteration on the transition matrix
    pi = [1.0 / n] * n
    mean = sum(d * q for d, q in enumerate(pmf))
    for _ in range(400):
        nxt = [0.0] * n
        for y, w in zip(states, pi, strict=True):
            for d, q in enumerate(pmf):
                z = y - d
                nxt[index[z] if z > s else index[S]] += w * q
        pi = nxt
    expected = 0.0
    for y, w in zip(states, pi, strict=True):
        short = sum((d - y) * q for d, q in enumerate(pmf) if d > y)
        expected += w * (h * (y - mean) + (h + p) * short)
        reorder = sum(q for d, q in enumerate(pmf) if y - d <= s)
        expected += w * K * reorder
    return expected


def test_a_lead_time_raises_the_reorder_level_by_about_its_demand() -> None:
    """Two periods of lead: s rises by about two periods' demand, S - s stays near the lot."""
    now = optimal_s_s(h=1, p=9, K=64, pmf=poisson_pmf(10))
    later = optimal_s_s(h=1, p=9, K=64, pmf=poisson_pmf(10), lead_pmf=poisson_pmf(30))
    assert optimal_s_s(h=1, p=9, K=64, pmf=poisson_pmf(10), lead_pmf=poisson_pmf(10)) == now
    assert 15 <= later.reorder_at - now.reorder_at <= 25
    assert abs((later.order_up_to - later.reorder_at) - (now.order_up_to - now.reorder_at)) <= 3
    assert later.cost > now.cost  # more uncertainty over the lead time


def test_a_normal_demand_in_whole_units_keeps_its_mean_and_spread() -> None:
    pmf = normal_pmf(87.0, 5.5)
    mean = sum(d * q for d, q in enumerate(pmf))
    var = sum((d - mean) ** 2 * q for d, q in enumerate(pmf))
    assert sum(pmf) == pytest.approx(1.0, abs=1e-9)
    assert mean == pytest.approx(87.0, abs=1e-6)
    assert var == pytest.approx(5.5**2 + 1 / 12, rel=1e-3)  # rounding adds a uniform's 1/12
