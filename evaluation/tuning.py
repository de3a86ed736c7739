"""The tuned reorder-point baseline: a grid search on training seeds.

A rule is a fair yardstick only at its best settings. For every scenario the
reorder-point rule runs with the tables `evaluation.tables` derives for each
pair of the grid, safety factor z ∈ {0, 1, ..., 6} × order cover ∈
{1, 3, 5, 7} days (28 pairs; `--grid-z`, `--grid-cover`), on training seeds
disjoint from the evaluation seeds (1000 and 1001 by default); the pair
with the best mean objective KPI (mean total cost by default) over those
seeds is the scenario's
`reorder_tuned` policy. Ties go to the earlier pair of the grid (smaller z,
then shorter cover), the leaner stock.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.kpis import Direction, MissingKpiError, direction

Z_GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
COVER_GRID = (1.0, 3.0, 5.0, 7.0)
TRAIN_SEEDS = (1000, 1001)
MAX_Z = 10.0
MAX_COVER_DAYS = 60.0


@dataclass(frozen=True, order=True)
class TuningParams:
    """One point of the grid.

    Attributes:
        z: safety factor on the demand's standard deviation over lead and review.
        cover_days: days of mean demand one order brings.
    """

    z: float
    cover_days: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.z <= MAX_Z or not math.isfinite(self.z):
            raise ValueError(f"Expected 0 <= z <= {MAX_Z}, got {self.z}.")
        if not 0.0 < self.cover_days <= MAX_COVER_DAYS:
            raise ValueError(f"Expected 0 < cover_days <= {MAX_COVER_DAYS}, got {self.cover_days}.")

    @property
    def variant(self) -> str:
        """The short label that keys runs made with these parameters."""
        return f"z{self.z:g}-cover{self.cover_days:g}"


def grid(
    zs: Sequence[float] = Z_GRID, covers: Sequence[float] = COVER_GRID
) -> tuple[TuningParams, ...]:
    """Every (z, cover) pair, z-major."""
    return tuple(TuningParams(z, c) for z in zs for c in covers)


@dataclass(frozen=True)
class TuningChoice:
    """What the grid search picked for one scenario, and the score of every pair tried."""

    params: TuningParams
    score: float
    scores: Mapping[TuningParams, float]
    seeds: tuple[int, ...]


def choose(
    records: Iterable[Mapping[str, Any]],
    candidates: Sequence[TuningParams],
    *,
    kpi: str,
    seeds: Sequence[int],
) -> TuningChoice:
    """The best of `candidates` by mean `kpi` over `seeds`, from one scenario's tuning runs.

    Raises:
        ValueError: a candidate lacks a run for one of `seeds`.
        MissingKpiError: the runs do not measure `kpi`.
    """
    sense = direction(kpi)
    if sense is Direction.NONE:
        raise ValueError(f"KPI {kpi!r} has no better direction to tune for")
    by_variant = {p.variant: p for p in candidates}
    values: dict[TuningParams, dict[int, float]] = defaultdict(dict)
    for r in records:
        params = by_variant.get(str(r.get("variant")))
        if params is None or r["seed"] not in seeds:
            continue
        if r.get(kpi) is None:
            raise MissingKpiError(kpi, (k for k, v in r.items() if isinstance(v, int | float)))
        values[params][int(r["seed"])] = float(r[kpi])
    scores: dict[TuningParams, float] = {}
    for params in candidates:
        missing = [s for s in seeds if s not in values[params]]
        if missing:
            raise ValueError(f"no tuning run for {params.variant} on seeds {missing}")
        scores[params] = statistics.fmean(values[params][s] for s in seeds)
    best = min(candidates, key=lambda p: (-sense * scores[p], candidates.index(p)))
    return TuningChoice(params=best, score=scores[best], scores=scores, seeds=tuple(seeds))
