"""What the solver session hands back: stopping rules in, outcomes out, all plain values.

Outcomes are values: optimal, stopped at the time limit with the best plan
found and its gap, or no solution at all. Only broken infrastructure (HiGHS
missing, the solver crashing) raises, as `SolverUnavailableError`. An LP's
solution and basis are HiGHS's own objects, opaque outside the session:
callers keep them to hand back (`Session.load`, `Session.value_in`, a basis
for the next `Session.lp`, a start for `Session.mip`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supplysync.plan import PlanStatus


class SolverUnavailableError(RuntimeError):
    """HiGHS is not installed or failed in a way no plan can come from."""


@dataclass(frozen=True)
class SolveParams:
    """Stopping rules passed to HiGHS.

    Attributes:
        time_limit_s: wall seconds HiGHS may search (the best plan found is kept).
        mip_gap: relative gap at which a solution counts as optimal.
        threads: HiGHS threads; one is fastest for these small models on a
            shared machine (and makes runs repeatable).
    """

    time_limit_s: float = 10.0
    mip_gap: float = 0.01
    threads: int = 1

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError("Expected time_limit_s > 0.")
        if not 0 <= self.mip_gap <= 1:
            raise ValueError("Expected 0 <= mip_gap <= 1.")
        if self.threads < 1:
            raise ValueError("Expected threads >= 1.")


@dataclass(frozen=True)
class SolveResult:
    """How a solve ended. Variable values are loaded into the model when `has_solution`.

    Attributes:
        bound: the best lower bound proved, when the solver reports one.
        stopped: the search stopped at a limit without a plan (with one,
            the status is `TIME_LIMIT`).
        rounded: the plan is an LP relaxation rounded up (`optimizer.dive`,
            `optimizer.rounding`), not the MIP's.
    """

    status: PlanStatus
    has_solution: bool
    objective: float | None
    gap: float | None
    seconds: float
    message: str
    bound: float | None = None
    stopped: bool = False
    rounded: bool = False

    @property
    def time_limited(self) -> bool:
        """Stopped at a time (or other) limit before proving the gap asked for."""
        return self.stopped or self.status is PlanStatus.TIME_LIMIT


@dataclass(frozen=True)
class LpSolution:
    """An optimal LP (`Session.lp`): its objective, complete solution and basis.

    `solution` and `basis` are HiGHS's objects, for the session only.
    """

    objective: float
    solution: Any
    basis: Any
    seconds: float
