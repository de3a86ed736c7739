"""Paired statistics: intervals by hand, wins by direction, families, worst cases, regret."""

from __future__ import annotations

import math
from typing import Any

import pytest

from evaluation import stats
from evaluation.kpis import Direction, direction
from tests.evaluation.conftest import record

# diffs 1, 2, 3, 4: mean 2.5, sd sqrt(5/3) = 1.290994, se 0.645497,
# t(0.975, df=3) = 3.182446, half-width 2.054260.
HAND_LOW, HAND_HIGH = 0.445740, 4.554260


def _ab(
    values_a: list[float], values_b: list[float], kpi: str = "total_cost"
) -> list[dict[str, Any]]:
    out = []
    for i, (a, b) in enumerate(zip(values_a, values_b, strict=True)):
        out.append(record("A", f"s{i % 2}", i, values={kpi: a}))
        out.append(record("B", f"s{i % 2}", i, values={kpi: b}))
    return out


def test_mean_ci_matches_a_hand_computation() -> None:
    mean, low, high = stats.mean_ci([1.0, 2.0, 3.0, 4.0])
    assert mean == pytest.approx(2.5)
    assert low == pytest.approx(HAND_LOW, abs=1e-5)
    assert high == pytest.approx(HAND_HIGH, abs=1e-5)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([3.0], (3.0, math.nan, math.nan)),  # one pair: no spread, no interval
        ([2.0, 2.0, 2.0], (2.0, 2.0, 2.0)),  # identical differences: zero width
    ],
)
def test_mean_ci_degenerate(values: list[float], expected: tuple[float, ...]) -> None:
    got = stats.mean_ci(values)
    for g, e in zip(got, expected, strict=True):
        assert (math.isnan(g) and math.isnan(e)) or g == pytest.approx(e)


def test_compare_pairs_by_scenario_and_seed() -> None:
    # A - B = 1, 2, 3, 4 on a cost: A is worse on every pair
    records = _ab([11, 22, 33, 44], [10, 20, 30, 40])
    records.append(record("A", "unpaired", 9, total_cost=1.0))  # no B run: left out
    result = stats.compare(stats.pairs(records, "A", "B", "total_cost"), "total_cost")
    assert result.n == 4
    assert result.mean_a == pytest.approx(27.5)
    assert result.mean_b == pytest.approx(25.0)
    assert result.mean_diff == pytest.approx(2.5)
    assert result.ci_low == pytest.approx(HAND_LOW, abs=1e-5)
    assert result.ci_high == pytest.approx(HAND_HIGH, abs=1e-5)
    assert (result.win_rate, result.loss_rate) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("kpi", "a", "b", "wins"),
    [
        ("fill_rate", [0.9, 0.8, 0.7, 0.95], [0.8, 0.8, 0.9, 0.9], 0.5),  # higher: 2 of 4, 1 tie
        ("on_time_rate", [1.0, 1.0], [0.5, 1.0], 0.5),  # higher
        ("spoiled_units", [0, 5, 1], [1, 5, 2], 2 / 3),  # lower
        ("refused_units", [3, 3], [1, 1], 0.0),  # lower
        ("unplanned_downtime_hours", [0, 0, 4, 2], [1, 1, 1, 1], 0.5),  # lower
        ("inventory_carrying_cost", [100.0], [100.0 + 1e-12], 0.0),  # rounding is a tie
    ],
)
def test_win_rate_follows_each_kpis_direction(
    kpi: str, a: list[float], b: list[float], wins: float
) -> None:
    result = stats.compare(stats.pairs(_ab(a, b, kpi), "A", "B", kpi), kpi)
    assert result.win_rate == pytest.approx(wins)


@pytest.mark.parametrize(
    ("kpi", "sense"),
    [
        ("fill_rate", Direction.HIGHER),
        ("on_time_rate", Direction.HIGHER),
        ("delivered_units", Direction.HIGHER),
        ("total_cost", Direction.LOWER),  # a KPI this build may not have yet
        ("transport_cost", Direction.LOWER),
        ("spoiled_units", Direction.LOWER),
        ("refused_units", Direction.LOWER),
        ("unplanned_downtime_hours", Direction.LOWER),
        ("ordered_units", Direction.NONE),
        ("replans", Direction.NONE),
        ("replan_latency_p50_ms", Direction.NONE),
    ],
)
def test_directions(kpi: str, sense: Direction) -> None:
    assert direction(kpi) is sense


def test_descriptive_kpis_have_no_win_rate() -> None:
    result = stats.compare(
        stats.pairs(_ab([3, 4], [1, 1], "replans"), "A", "B", "replans"), "replans"
    )
    assert result.win_rate is None and result.mean_diff == pytest.approx(2.5)


def test_worst_scenarios_rank_by_mean_loss_over_seeds() -> None:
    records = []
    # scenario: (A, B) per seed, total cost; loss = mean(A - B)
    table = {
        "calm": [(10, 12), (10, 11)],
        "storm": [(30, 20), (26, 20)],
        "mild": [(12, 11), (11, 10)],
    }
    for name, runs in table.items():
        for seed, (a, b) in enumerate(runs):
            records += [
                record("A", name, seed, total_cost=a),
                record("B", name, seed, total_cost=b),
            ]
    worst = stats.worst_scenarios(stats.pairs(records, "A", "B", "total_cost"), "total_cost", k=2)
    assert [(g.name, g.loss, g.n) for g in worst] == [("storm", 8.0, 2), ("mild", 1.0, 2)]


def test_worst_scenarios_on_a_rate_count_a_drop_as_loss() -> None:
    records = [
        record("A", "x", 0, fill_rate=0.7),
        record("B", "x", 0, fill_rate=0.9),
        record("A", "y", 0, fill_rate=0.95),
        record("B", "y", 0, fill_rate=0.9),
    ]
    worst = stats.worst_scenarios(stats.pairs(records, "A", "B", "fill_rate"), "fill_rate")
    assert [g.name for g in worst] == ["x", "y"]
    assert worst[0].loss == pytest.approx(0.2)


def test_families_group_pairs_and_policy_means() -> None:
    records = [
        record("A", "cold-1", 0, family="cold", total_cost=10),
        record("B", "cold-1", 0, family="cold", total_cost=14),
        record("A", "cold-2", 0, family="cold", total_cost=20),
        record("B", "cold-2", 0, family="cold", total_cost=20),
        record("A", "demo", 0, total_cost=5),
        record("B", "demo", 0, total_cost=3),
    ]
    groups = stats.by_family(stats.pairs(records, "A", "B", "total_cost"), "total_cost")
    assert [(g.name, g.n, g.mean_a, g.mean_b, g.mean_diff) for g in groups] == [
        ("cold", 2, 15.0, 17.0, -2.0),
        ("demo", 1, 5.0, 3.0, 2.0),
    ]
    # a manifest mapping overrides the record's family
    means = stats.family_policy_means(records, "total_cost", {"h-demo": "warm"})
    assert means == {"cold": {"A": 15.0, "B": 17.0}, "warm": {"A": 5.0, "B": 3.0}}


def test_regret_against_hindsight() -> None:
    records = []
    # (hindsight, milp, rule) total cost per seed
    for seed, (h, m, r) in enumerate([(100, 110, 150), (200, 190, 260), (0, 5, 5)]):
        records += [
            record("hindsight", "s", seed, total_cost=h),
            record("milp", "s", seed, total_cost=m),
            record("rule", "s", seed, total_cost=r),
        ]
    got = {r.policy: r for r in stats.regret(records, ["hindsight", "milp", "rule"], "total_cost")}
    assert set(got) == {"milp", "rule"}
    assert got["milp"].mean == pytest.approx((0.10 - 0.05) / 2)
    assert got["rule"].mean == pytest.approx((0.50 + 0.30) / 2)
    assert (got["milp"].n, got["milp"].skipped) == (2, 1)  # hindsight 0: no ratio
    # milp beat the bound on seed 1: a bound in spirit, and the count says so
    assert (got["milp"].beats, got["rule"].beats) == (1, 0)


def test_regret_on_a_rate_is_the_relative_shortfall() -> None:
    records = [record("hindsight", "s", 0, fill_rate=1.0), record("rule", "s", 0, fill_rate=0.8)]
    (only,) = stats.regret(records, ["rule", "hindsight"], "fill_rate")
    assert only.mean == pytest.approx(0.2)


def test_no_hindsight_no_regret() -> None:
    assert stats.regret(_ab([1, 2], [1, 2]), ["A", "B"], "total_cost") == []


def test_dominance_needs_every_baseline_beaten_on_every_kpi() -> None:
    """Seed 0: milp beats both on both; seed 1: cheaper but one rule fills more; seed 2: all."""
    rows = {  # seed: {policy: (fill, cost)}
        0: {"milp": (0.95, 100), "rule": (0.90, 120), "static": (0.80, 130)},
        1: {"milp": (0.95, 100), "rule": (0.97, 120), "static": (0.80, 130)},
        2: {"milp": (0.99, 90), "rule": (0.90, 120), "static": (0.80, 95)},
    }
    records = [
        record(p, "fam-1", seed, fill_rate=f, total_cost=c)
        for seed, policies in rows.items()
        for p, (f, c) in policies.items()
    ]
    got = stats.dominance(records, "milp", ["rule", "static"], ["fill_rate", "total_cost"])
    assert got is not None
    assert got.n == 3
    assert got.win_rate == pytest.approx(2 / 3)
    assert got.by_kpi == {"fill_rate": pytest.approx(2 / 3), "total_cost": 1.0}
    assert got.families_lost == ()  # on average it wins everywhere
    worse = [r for r in records if not (r["policy"] == "rule" and r["seed"] != 1)]
    worse += [record("rule", "fam-1", s, fill_rate=0.99, total_cost=80) for s in (0, 2)]
    lost = stats.dominance(worse, "milp", ["rule", "static"], ["fill_rate", "total_cost"])
    assert lost is not None
    assert set(lost.families_lost) == {"fam-1: fill_rate vs rule", "fam-1: total_cost vs rule"}


def test_no_baselines_or_no_common_pairs_no_dominance() -> None:
    records = [record("milp", "s", 0, fill_rate=1.0, total_cost=1)]
    assert stats.dominance(records, "milp", [], ["fill_rate"]) is None
    assert stats.dominance(records, "milp", ["rule"], ["fill_rate"]) is None
