"""Rounding an LP relaxation up to a plan, and pricing that plan.

Both ways a plan is found from a relaxation end here: the dive
(`optimizer.dive`, every on/off decision relaxed) and a repair
(`optimizer.repair.redecide`, only the decisions an event touched); the
direct highspy reference of the benchmarks rounds with `round_up` too. A
setup with any output in the relaxation is set up, a machine's due
maintenance goes where the relaxation put most of it, and routes are taken
by their relaxed value while their crew has vehicles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyomo.environ as pyo

from optimizer.columns import RouteCandidates
from optimizer.decisions import Decisions
from optimizer.session import LpSolution, Session

ROUND_UP = 1e-4
"""A relaxed binary above this is rounded up (a setup with any output is set up)."""

RunKey = tuple[str, str, int]
"""(machine, product, period): a production run's key."""


def round_and_price(
    session: Session,
    model: Decisions,
    free: Sequence[Any],
    every: Sequence[Any],
    *,
    cands: RouteCandidates,
    relaxed: LpSolution,
    seconds: float,
) -> LpSolution | None:
    """Fix the `free` binaries to the rounding of `relaxed` (`rounded`), re-price; None unless
    the LP is optimal.

    The LP relaxes `every` integer variable (the fixed ones stay at their
    value) and starts from the relaxation's basis. The free binaries stay
    fixed for the caller to free.
    """
    choice = rounded(model, free, cands, session.value_in(relaxed))
    session.fix((var, choice[id(var)]) for var in free)
    return session.lp(every, seconds, relaxed.basis)


def rounded(
    model: Decisions,
    free: Sequence[Any],
    cands: RouteCandidates,
    value: Callable[[Any], float],
) -> dict[int, int]:
    """Round an LP relaxation of the free binaries up to a plan the model accepts.

    `value` gives each variable's value in the relaxation (the kept binaries
    are fixed there). The rules are `round_up`'s; the crews' vehicles are
    what the kept routes leave. Returns 0/1 by `id` of each free variable.
    """
    ids = {id(v) for v in free}
    left = {k: pyo.value(model.crew_size[k]) for k in model.crew_size}
    for j, var in model.use.items():
        if id(var) not in ids:
            left[cands.columns[j].crew] -= round(pyo.value(var))
    chosen = round_up(
        {k: value(v) for k, v in model.setup.items() if id(v) in ids},
        {k: value(v) for k, v in model.maint.items() if id(v) in ids},
        {j: value(v) for j, v in model.use.items() if id(v) in ids},
        left,
        cands,
    )
    parts = {"setup": model.setup, "maint": model.maint, "use": model.use}
    return {id(parts[kind][k]): on for (kind, k), on in chosen.items()}


def round_up(
    setup: Mapping[RunKey, float],
    maint: Mapping[tuple[str, int], float],
    use: Mapping[int, float],
    vehicles: Mapping[int, float],
    cands: RouteCandidates,
) -> dict[tuple[str, Any], int]:
    """0/1 for each relaxed binary, keyed ("setup" | "maint" | "use", its index).

    A setup with any output in the relaxation is set up. A machine's due
    maintenance goes where the relaxation put most of it. Per crew, routes
    are taken by their relaxed value, highest first, while the crew has
    `vehicles` left. Both planning paths round with it: the Pyomo model
    (`rounded`) and the direct highspy reference (`benchmarks.direct`).
    """
    out: dict[tuple[str, Any], int] = {("setup", k): int(v > ROUND_UP) for k, v in setup.items()}
    due: dict[str, list[tuple[str, int]]] = {}
    for m, t in maint:
        due.setdefault(m, []).append((m, t))
    for choices in due.values():
        best = max(choices, key=lambda k: maint[k])
        out.update({("maint", k): int(k == best) for k in choices})
    left = dict(vehicles)
    for j, v in sorted(use.items(), key=lambda jv: (-jv[1], jv[0])):
        crew = cands.columns[j].crew
        take = v > ROUND_UP and left[crew] >= 1
        out["use", j] = int(take)
        left[crew] -= take
    return out
