"""Paired comparisons of policies over (scenario, seed) pairs.

Two policies run on the same scenario with the same seed meet the same
demand and disruptions, so the difference of their KPIs on that pair is
free of the world's noise; its mean over pairs, with a Student-t interval,
says how much better one policy is than the other and how sure that is.
Everything here takes plain run records (`evaluation.runs`) with one record
per policy, scenario and seed, and returns plain values.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scipy import stats as scipy_stats

from evaluation.kpis import Direction, direction

CONFIDENCE = 0.95
TIE = 1e-9


@dataclass(frozen=True)
class Pair:
    """One (scenario, seed) on which both policies ran: A's and B's value of a KPI."""

    scenario: str
    scenario_hash: str
    family: str
    seed: int
    a: float
    b: float

    @property
    def diff(self) -> float:
        return self.a - self.b


@dataclass(frozen=True)
class PairedStats:
    """A against B on one KPI.

    Attributes:
        kpi: the KPI's name.
        direction: +1 higher is better, -1 lower, 0 neither.
        n: pairs compared.
        mean_a, mean_b: the policies' means over those pairs.
        mean_diff: mean of A − B.
        ci_low, ci_high: its `CONFIDENCE` t interval (NaN with fewer than 2 pairs).
        win_rate: share of pairs where A is strictly better (None without a direction).
        loss_rate: share where A is strictly worse (None without a direction).
    """

    kpi: str
    direction: int
    n: int
    mean_a: float
    mean_b: float
    mean_diff: float
    ci_low: float
    ci_high: float
    win_rate: float | None
    loss_rate: float | None


def pairs(
    records: Iterable[Mapping[str, Any]],
    candidate: str,
    baseline: str,
    kpi: str,
    families: Mapping[str, str] | None = None,
) -> list[Pair]:
    """A's and B's `kpi` on every (scenario, seed, days) both ran, by scenario then seed.

    A record lacking the KPI (made before the KPI existed) leaves its pair out.
    `families` maps a scenario hash to its family; else the record's own
    `family`, else the scenario's name.
    """
    runs: dict[str, dict[tuple[str, int, int], Mapping[str, Any]]] = defaultdict(dict)
    for r in records:
        if r["policy"] in (candidate, baseline) and r.get(kpi) is not None:
            runs[r["policy"]][str(r["scenario_hash"]), int(r["seed"]), int(r["days"])] = r
    out = []
    for key in sorted(runs[candidate].keys() & runs[baseline].keys()):
        a, b = runs[candidate][key], runs[baseline][key]
        family = (families or {}).get(key[0]) or a.get("family") or str(a["scenario"])
        out.append(
            Pair(
                scenario=str(a["scenario"]),
                scenario_hash=key[0],
                family=str(family),
                seed=key[1],
                a=float(a[kpi]),
                b=float(b[kpi]),
            )
        )
    return sorted(out, key=lambda p: (p.scenario, p.scenario_hash, p.seed))


def mean_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean of `values` and its two-sided Student-t confidence interval.

    One value gives NaN bounds (no spread to judge by); identical values a
    zero-width interval.
    """
    if not values:
        return (math.nan, math.nan, math.nan)
    mean = statistics.fmean(values)
    if len(values) < 2:
        return (mean, math.nan, math.nan)
    half = (
        float(scipy_stats.t.ppf((1 + confidence) / 2, len(values) - 1))
        * statistics.stdev(values)
        / math.sqrt(len(values))
    )
    return (mean, mean - half, mean + half)


def better(a: float, b: float, sense: Direction) -> bool:
    """Whether `a` is strictly better than `b` in direction `sense` (beyond rounding)."""
    return sense * (a - b) > TIE * max(1.0, abs(a), abs(b))


def compare(pairs_: Sequence[Pair], kpi: str) -> PairedStats:
    """Paired statistics of A against B on `kpi` over `pairs_`."""
    sense = direction(kpi)
    mean, low, high = mean_ci([p.diff for p in pairs_])
    n = len(pairs_)
    wins = sum(better(p.a, p.b, sense) for p in pairs_)
    losses = sum(better(p.b, p.a, sense) for p in pairs_)
    rated = sense is not Direction.NONE and n > 0
    return PairedStats(
        kpi=kpi,
        direction=int(sense),
        n=n,
        mean_a=statistics.fmean(p.a for p in pairs_) if n else math.nan,
        mean_b=statistics.fmean(p.b for p in pairs_) if n else math.nan,
        mean_diff=mean,
        ci_low=low,
        ci_high=high,
        win_rate=wins / n if rated else None,
        loss_rate=losses / n if rated else None,
    )


@dataclass(frozen=True)
class GroupStats:
    """A group of pairs (a family or a scenario): means and the mean A − B."""

    name: str
    n: int
    mean_a: float
    mean_b: float
    mean_diff: float
    loss: float
    """Mean of how much worse A is than B, in the KPI's better direction (> 0: A worse)."""


def _group(name: str, group: Sequence[Pair], sense: Direction) -> GroupStats:
    diff = statistics.fmean(p.diff for p in group)
    return GroupStats(
        name=name,
        n=len(group),
        mean_a=statistics.fmean(p.a for p in group),
        mean_b=statistics.fmean(p.b for p in group),
        mean_diff=diff,
        loss=-int(sense) * diff,
    )


def by_family(pairs_: Sequence[Pair], kpi: str) -> list[GroupStats]:
    """A's and B's means per scenario family, families by name."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs_:
        groups[p.family].append(p)
    return [_group(name, groups[name], direction(kpi)) for name in sorted(groups)]


def worst_scenarios(pairs_: Sequence[Pair], kpi: str, k: int = 5) -> list[GroupStats]:
    """The `k` scenarios where A loses most to B on `kpi` (mean over seeds), worst first.

    A KPI with no better direction ranks by A − B.
    """
    sense = direction(kpi)
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs_:
        groups[p.scenario, p.scenario_hash].append(p)
    ranked = [_group(name, group, sense) for (name, _), group in groups.items()]

    def worse_first(g: GroupStats) -> tuple[float, str]:
        return (-(g.loss if sense is not Direction.NONE else g.mean_diff), g.name)

    return sorted(ranked, key=worse_first)[:k]


def policy_means(
    records: Iterable[Mapping[str, Any]], kpis: Sequence[str]
) -> dict[str, dict[str, float]]:
    """Each policy's mean of each KPI over its runs (NaN where none measured it)."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        for k in kpis:
            if r.get(k) is not None:
                values[str(r["policy"])][k].append(float(r[k]))
    return {
        policy: {k: statistics.fmean(v[k]) if v[k] else math.nan for k in kpis}
        for policy, v in values.items()
    }


def family_policy_means(
    records: Iterable[Mapping[str, Any]], kpi: str, families: Mapping[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Each family's mean `kpi` per policy."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        if r.get(kpi) is None:
            continue
        family = (families or {}).get(str(r["scenario_hash"])) or r.get("family") or r["scenario"]
        values[str(family)][str(r["policy"])].append(float(r[kpi]))
    return {
        f: {p: statistics.fmean(v) for p, v in sorted(values[f].items())} for f in sorted(values)
    }


@dataclass(frozen=True)
class Regret:
    """How far a policy is from the hindsight bound on the objective, relatively.

    Attributes:
        policy: the policy.
        n: pairs with a non-zero hindsight value.
        mean, ci_low, ci_high: mean relative regret and its t interval.
        skipped: pairs left out because the hindsight value was zero.
        beats: pairs where the policy did strictly better than hindsight
            (negative regret): the hindsight policy is a bound in spirit,
            not a proof, and this says where it was not one.
    """

    policy: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    skipped: int
    beats: int = 0


def regret(
    records: Sequence[Mapping[str, Any]],
    policies: Sequence[str],
    kpi: str,
    *,
    hindsight: str = "hindsight",
) -> list[Regret]:
    """Relative regret of each policy against `hindsight`, per (scenario, seed), averaged.

    For a KPI better lower (a cost): (policy − hindsight) / hindsight; better
    higher: (hindsight − policy) / hindsight. Empty when no hindsight run
    exists.
    """
    sense = direction(kpi)
    out = []
    for policy in policies:
        if policy == hindsight:
            continue
        matched = pairs(records, policy, hindsight, kpi)
        if not matched:
            continue
        usable = [p for p in matched if p.b != 0]
        values = [-int(sense) * (p.a - p.b) / abs(p.b) for p in usable]
        mean, low, high = mean_ci(values)
        beats = sum(v < 0 for v in values)
        out.append(Regret(policy, len(usable), mean, low, high, len(matched) - len(usable), beats))
    return out


@dataclass(frozen=True)
class Dominance:
    """How often the candidate beats every baseline at once, per (scenario, seed).

    Attributes:
        candidate: the policy judged.
        baselines: the policies it must beat.
        kpis: the KPIs it must be better on.
        n: (scenario, seed) pairs on which every one of these policies ran.
        win_rate: share of those where it is strictly better than every
            baseline on every KPI.
        by_kpi: the same share, each KPI alone.
        families_lost: families where its mean is worse than some baseline's
            mean on some KPI, as "family: kpi vs baseline".
    """

    candidate: str
    baselines: tuple[str, ...]
    kpis: tuple[str, ...]
    n: int
    win_rate: float
    by_kpi: dict[str, float]
    families_lost: tuple[str, ...]


def dominance(
    records: Sequence[Mapping[str, Any]],
    candidate: str,
    baselines: Sequence[str],
    kpis: Sequence[str],
    families: Mapping[str, str] | None = None,
) -> Dominance | None:
    """The candidate against all `baselines` together on all `kpis`; None without pairs."""
    if not baselines:
        return None
    joint: dict[tuple[str, str, int], dict[str, bool]] = {}
    fam: dict[str, dict[tuple[str, str], list[Pair]]] = defaultdict(lambda: defaultdict(list))
    for kpi in kpis:
        sense = direction(kpi)
        per_key: dict[tuple[str, str, int], list[bool]] = defaultdict(list)
        for base in baselines:
            for p in pairs(records, candidate, base, kpi, families):
                per_key[p.scenario, p.scenario_hash, p.seed].append(better(p.a, p.b, sense))
                fam[p.family][kpi, base].append(p)
        for key, wins in per_key.items():
            if len(wins) == len(baselines):
                joint.setdefault(key, {})[kpi] = all(wins)
    complete = [v for v in joint.values() if len(v) == len(kpis)]
    if not complete:
        return None
    lost = []
    for family in sorted(fam):
        for (kpi, base), group in sorted(fam[family].items()):
            mean_diff = statistics.fmean(p.diff for p in group)
            if better(0.0, mean_diff, direction(kpi)):
                lost.append(f"{family}: {kpi} vs {base}")
    return Dominance(
        candidate=candidate,
        baselines=tuple(baselines),
        kpis=tuple(kpis),
        n=len(complete),
        win_rate=sum(all(v.values()) for v in complete) / len(complete),
        by_kpi={k: sum(v[k] for v in complete) / len(complete) for k in kpis},
        families_lost=tuple(lost),
    )
