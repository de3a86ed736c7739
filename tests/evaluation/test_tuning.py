"""The grid and the choice of the tuned rule's parameters."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.kpis import MissingKpiError
from evaluation.summary import on_grid_edge
from evaluation.tuning import TuningParams, choose, grid
from tests.evaluation.conftest import record


def _runs(scores: dict[TuningParams, list[float]], kpi: str = "total_cost") -> list[dict[str, Any]]:
    return [
        record("reorder_tuned", "s", 1000 + i, kind="tuning", variant=p.variant, values={kpi: v})
        for p, values in scores.items()
        for i, v in enumerate(values)
    ]


def test_the_grid_is_z_by_cover() -> None:
    pairs = grid()
    assert len(pairs) == 28
    assert pairs[0] == TuningParams(0.0, 1.0) and pairs[-1] == TuningParams(6.0, 7.0)
    assert len({p.variant for p in pairs}) == 28
    assert TuningParams(1.5, 3.0).variant == "z1.5-cover3"


@pytest.mark.parametrize(
    ("z", "cover", "message"),
    [
        (-0.5, 2.0, "0 <= z"),  # a negative safety factor
        (11.0, 2.0, "0 <= z"),  # beyond any sane service level
        (1.0, 0.0, "0 < cover_days"),  # an order that covers nothing
        (1.0, 61.0, "0 < cover_days"),  # two months of stock per order
    ],
)
def test_params_are_checked(z: float, cover: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TuningParams(z, cover)


def test_choose_takes_the_lowest_mean_cost() -> None:
    a, b, c = TuningParams(0, 1), TuningParams(1, 2), TuningParams(2, 3)
    choice = choose(
        _runs({a: [100, 140], b: [110, 100], c: [90, 150]}),
        [a, b, c],
        kpi="total_cost",
        seeds=[1000, 1001],
    )
    assert choice.params == b and choice.score == 105
    assert choice.scores == {a: 120, b: 105, c: 120}


def test_choose_maximises_a_rate_and_breaks_ties_by_grid_order() -> None:
    a, b, c = TuningParams(0, 1), TuningParams(1, 2), TuningParams(2, 3)
    runs = _runs({a: [0.8], b: [0.9], c: [0.9]}, "fill_rate")
    assert choose(runs, [a, b, c], kpi="fill_rate", seeds=[1000]).params == b


def test_choose_needs_every_seed_and_the_kpi() -> None:
    a = TuningParams(0, 1)
    with pytest.raises(ValueError, match="seeds \\[1001\\]"):
        choose(_runs({a: [1.0]}), [a], kpi="total_cost", seeds=[1000, 1001])
    with pytest.raises(MissingKpiError, match="'total_cost' is not measured"):
        choose(_runs({a: [1.0]}, "fill_rate"), [a], kpi="total_cost", seeds=[1000])


@pytest.mark.parametrize(
    ("z", "cover", "edge"),
    [
        (6.0, 3.0, True),  # the largest z: more safety stock was not tried
        (1.0, 7.0, True),  # the longest cover
        (1.0, 1.0, True),  # the shortest cover
        (0.0, 3.0, False),  # z = 0 is as low as z goes
        (2.0, 3.0, False),  # inside
    ],
)
def test_a_choice_on_the_grids_edge_is_flagged(z: float, cover: float, edge: bool) -> None:
    assert on_grid_edge(TuningParams(z, cover), grid()) is edge
