"""The findings of an evaluation as one JSON-ready dict (`summary.json`).

Built only from stored records, so a resumed evaluation summarises every
run, old and new. Only the runs the plan asks for count: a results
directory may also hold runs of other seeds, days or tuned parameters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from evaluation import stats
from evaluation.kpis import kpi_columns
from evaluation.plan import EvaluationPlan
from evaluation.policies import HINDSIGHT, TUNED
from evaluation.runs import META_FIELDS, key_of, spec_for
from evaluation.tuning import TuningChoice, TuningParams

WORST = 5


def expected_keys(
    plan: EvaluationPlan, choices: Mapping[str, TuningChoice]
) -> list[tuple[str, str, int, int, str]]:
    """The identity of every evaluation run of `plan` (tuned runs only where tuned)."""
    keys = []
    for case in plan.cases:
        for policy in plan.policies:
            choice = choices.get(case.digest)
            if policy == TUNED and choice is None:
                continue
            params = choice.params if policy == TUNED and choice else None
            for seed in plan.seeds:
                keys.append(spec_for(case, policy, seed, params=params).key.identity)
    return keys


def plan_records(
    plan: EvaluationPlan,
    records: Iterable[Mapping[str, Any]],
    choices: Mapping[str, TuningChoice],
) -> list[Mapping[str, Any]]:
    """The stored records that are runs of `plan`, in plan order."""
    by_key = {key_of(dict(r)): r for r in records}
    return [by_key[k] for k in expected_keys(plan, choices) if k in by_key]


def summarize(
    plan: EvaluationPlan,
    records: Iterable[Mapping[str, Any]],
    choices: Mapping[str, TuningChoice],
    *,
    invocation: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Settings, per-policy means, the paired comparison, families, worst cases, regret, tuning."""
    families = {c.digest: c.family for c in plan.cases}
    names = {c.digest: c.name for c in plan.cases}
    mine = [
        {**r, "scenario": names[str(r["scenario_hash"])]}
        for r in plan_records(plan, records, choices)
    ]
    kpis = kpi_columns(mine, META_FIELDS)
    objective = plan.kpi

    def paired(candidate: str, kpi: str) -> list[stats.Pair]:
        return stats.pairs(mine, candidate, plan.baseline, kpi, families)

    comparison = {k: asdict(stats.compare(paired(plan.candidate, k), k)) for k in kpis}
    main = paired(plan.candidate, objective)
    regrets = stats.regret(mine, plan.policies, objective, hindsight=HINDSIGHT)
    rivals = [p for p in plan.policies if p not in (plan.candidate, HINDSIGHT)]
    judged = tuple(dict.fromkeys(k for k in ("fill_rate", objective) if k in kpis))
    dominance = stats.dominance(mine, plan.candidate, rivals, judged, families)
    summary = {
        "settings": {
            "scenarios": [
                {
                    "name": c.name,
                    "scenario_hash": c.digest,
                    "family": c.family,
                    "days": c.scenario.simulation.days,
                    "path": None if c.path is None else str(c.path),
                }
                for c in plan.cases
            ],
            "policies": list(plan.policies),
            "seeds": list(plan.seeds),
            "train_seeds": list(plan.train_seeds) if plan.tunes else [],
            "baseline": plan.baseline,
            "candidate": plan.candidate,
            "kpi": objective,
            "confidence": stats.CONFIDENCE,
            "grid": [asdict(p) for p in plan.grid] if plan.tunes else [],
        },
        "runs": {"expected": len(expected_keys(plan, choices)), "recorded": len(mine)},
        "invocation": dict(invocation or {}),
        "kpis": kpis,
        "policy_means": stats.policy_means(mine, kpis),
        "comparison": {
            "candidate": plan.candidate,
            "baseline": plan.baseline,
            "pairs": len(main),
            "kpis": comparison,
        },
        "objective_vs_baseline": {
            p: asdict(stats.compare(paired(p, objective), objective))
            for p in plan.policies
            if p != plan.baseline
        },
        "families": {
            "kpi": objective,
            "paired": [asdict(g) for g in stats.by_family(main, objective)],
            "means": stats.family_policy_means(mine, objective, families),
        },
        "worst_scenarios": {
            "kpi": objective,
            "scenarios": [asdict(g) for g in stats.worst_scenarios(main, objective, WORST)],
        },
        "dominance": None if dominance is None else asdict(dominance),
        "regret": (
            {"kpi": objective, "hindsight": HINDSIGHT, "policies": [asdict(r) for r in regrets]}
            if regrets
            else None
        ),
        "tuned": _tuned(plan, choices),
        "clock_bound": _clock_bound(mine),
        "differences": {
            k: [[p.scenario, p.seed, p.diff] for p in paired(plan.candidate, k)] for k in kpis
        },
    }
    clean: dict[str, Any] = _finite(summary)
    return clean


def _tuned(plan: EvaluationPlan, choices: Mapping[str, TuningChoice]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for case in plan.cases:
        choice = choices.get(case.digest)
        if choice is None:
            continue
        out[case.name] = {
            "scenario_hash": case.digest,
            "z": choice.params.z,
            "cover_days": choice.params.cover_days,
            "score": choice.score,
            "on_grid_edge": on_grid_edge(choice.params, plan.grid),
            "train_seeds": list(choice.seeds),
            "grid": [
                {"z": p.z, "cover_days": p.cover_days, "score": s} for p, s in choice.scores.items()
            ],
        }
    return out


def _clock_bound(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Per policy: runs, plans cut at the solver's time limit, replans that ran out of time."""
    out: dict[str, dict[str, int]] = {}
    for r in records:
        row = out.setdefault(
            str(r["policy"]), {"runs": 0, "time_limit": 0, "stale": 0, "affected": 0}
        )
        cut, stale = int(r.get("plans_time_limit") or 0), int(r.get("plans_stale") or 0)
        row["runs"] += 1
        row["time_limit"] += cut
        row["stale"] += stale
        row["affected"] += bool(cut or stale)
    return out


def on_grid_edge(params: TuningParams, grid: Sequence[TuningParams]) -> bool:
    """Whether the chosen pair sits where a wider grid could have gone further.

    That is the largest z, or the smallest z above zero (z is never
    negative), or the shortest or longest cover tried.
    """
    zs = sorted({p.z for p in grid})
    covers = sorted({p.cover_days for p in grid})
    z_edge = len(zs) > 1 and (params.z == zs[-1] or (params.z == zs[0] and params.z > 0))
    cover_edge = len(covers) > 1 and params.cover_days in (covers[0], covers[-1])
    return z_edge or cover_edge


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinity replaced by None (strict JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_finite(v) for v in value]
    return value
