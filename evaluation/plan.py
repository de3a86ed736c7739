"""What an evaluation is asked to do, checked before any run starts."""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluation.kpis import Direction, direction, require_kpi
from evaluation.policies import TUNED, resolve
from evaluation.suite import ScenarioCase
from evaluation.tuning import TRAIN_SEEDS, TuningParams, grid
from policies.plugins import source_dir
from supplysync.kpi import Kpis

DEFAULT_SEEDS = (0, 1, 2)
DEFAULT_KPI = "total_cost"


@dataclass(frozen=True)
class EvaluationPlan:
    """Policies × scenarios × seeds, the pair to compare, and how to tune the rule.

    Attributes:
        cases: the scenarios (already shortened if asked).
        policies: policy names to run on every case and seed.
        seeds: evaluation seeds; every policy meets every (case, seed).
        baseline: the policy B of the paired comparison.
        candidate: the policy A compared against it.
        kpi: the objective KPI: what tuning minimises (or maximises) and
            regret is measured on.
        train_seeds: tuning seeds, disjoint from `seeds`.
        grid: the (z, cover) pairs tuning tries.
    """

    cases: tuple[ScenarioCase, ...]
    policies: tuple[str, ...]
    seeds: tuple[int, ...] = DEFAULT_SEEDS
    baseline: str = TUNED
    candidate: str = "milp"
    kpi: str = DEFAULT_KPI
    train_seeds: tuple[int, ...] = TRAIN_SEEDS
    grid: tuple[TuningParams, ...] = field(default_factory=grid)

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError("Expected at least one scenario.")
        if len({c.digest for c in self.cases}) != len(self.cases):
            raise ValueError("Expected each scenario file once (two have the same contents).")
        for name in self.policies:
            resolve(name)  # a PolicyError (ValueError) names what is wrong
        source_dir(self.policies)  # the workers can be given what they import
        if not self.policies or len(set(self.policies)) != len(self.policies):
            raise ValueError("Expected one or more distinct policies.")
        for role, name in (("baseline", self.baseline), ("candidate", self.candidate)):
            if name not in self.policies:
                raise ValueError(f"the {role} {name!r} is not among the policies run")
        if self.baseline == self.candidate:
            raise ValueError("Expected the candidate to differ from the baseline.")
        _check_seeds("seeds", self.seeds)
        require_kpi(self.kpi, Kpis.model_fields)
        if direction(self.kpi) is Direction.NONE:
            raise ValueError(f"KPI {self.kpi!r} is descriptive: neither more nor less is better")
        if self.tunes:
            _check_seeds("train seeds", self.train_seeds)
            overlap = sorted(set(self.seeds) & set(self.train_seeds))
            if overlap:
                raise ValueError(f"train seeds must be disjoint from seeds; both have {overlap}")
            if not self.grid:
                raise ValueError("Expected a non-empty tuning grid.")

    @property
    def tunes(self) -> bool:
        """Whether the tuned rule is among the policies (so tuning runs are needed)."""
        return TUNED in self.policies


def _check_seeds(what: str, seeds: tuple[int, ...]) -> None:
    if not seeds:
        raise ValueError(f"Expected one or more {what}.")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"Expected distinct {what}, got {list(seeds)}.")
