"""One run: a policy on a scenario with one seed, in this process, as a flat record.

A record is the run's key, then every field of `supplysync.kpi.Kpis` by
name (so KPIs added there appear here unasked), then how long it took. The
simulator draws demand and disruptions from the scenario's seed, so two
policies on the same scenario and seed meet the same world: that is what
pairs their runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from adapters.eventlog import ParquetLog, safe_name
from agents.settings import AgentSettings
from evaluation.policies import TUNED, resolve
from evaluation.suite import ScenarioCase
from evaluation.tables import tables_for, with_tables
from evaluation.tuning import TuningParams
from runtime.directory import InlineDirectory
from runtime.research import run_policy
from supplysync.plan import PlanStatus
from supplysync.scenario import Scenario

Kind = Literal["evaluation", "tuning"]
KEY_FIELDS = ("policy", "scenario_hash", "seed", "days", "variant")
CLOCK_FIELDS = ("plans_time_limit", "plans_stale")
"""Plans a solve cut at its wall-clock limit, and replans that kept the plan in force for want
of time: where these are not zero, the run's decisions depended on how fast the machine was."""
META_FIELDS = frozenset(
    {"kind", "scenario", "family", "z", "cover_days", "wall_seconds", *KEY_FIELDS, *CLOCK_FIELDS}
)
"""Record columns that are not KPIs."""


@dataclass(frozen=True)
class RunKey:
    """What identifies a run; a stored run with the same key is not run again.

    Attributes:
        policy: the policy's name.
        scenario: the scenario's name in reports (not part of the identity).
        scenario_hash: the scenario file's digest.
        seed: the simulation seed.
        days: simulated days.
        variant: the tuned rule's parameters (`TuningParams.variant`), else "".
    """

    policy: str
    scenario: str
    scenario_hash: str
    seed: int
    days: int
    variant: str = ""

    @property
    def identity(self) -> tuple[str, str, int, int, str]:
        return (self.policy, self.scenario_hash, self.seed, self.days, self.variant)

    @property
    def stem(self) -> str:
        """A file name for the run, unique per identity."""
        parts = [self.policy, self.scenario_hash, f"seed{self.seed}", f"days{self.days}"]
        if self.variant:
            parts.append(self.variant)
        return safe_name("__".join(parts))


@dataclass(frozen=True)
class RunSpec:
    """A run to make: its key, whether it is tuning or evaluation, the tuned parameters."""

    kind: Kind
    key: RunKey
    params: TuningParams | None = None


def spec_for(
    case: ScenarioCase,
    policy: str,
    seed: int,
    days: int | None = None,
    *,
    kind: Kind = "evaluation",
    params: TuningParams | None = None,
) -> RunSpec:
    """`policy` on `case` with `seed` for `days` (default: all); the tuned rule needs `params`."""
    if (policy == TUNED) != (params is not None):
        raise ValueError(f"{TUNED} runs, and only they, take tuning parameters")
    longest = case.scenario.simulation.days
    if days is not None and not 1 <= days <= longest:
        raise ValueError(f"Expected 1 <= days <= {longest} (a run only shortens), got {days}.")
    key = RunKey(
        policy=policy,
        scenario=case.name,
        scenario_hash=case.digest,
        seed=seed,
        days=longest if days is None else days,
        variant=params.variant if params else "",
    )
    return RunSpec(kind=kind, key=key, params=params)


def prepare(scenario: Scenario, seed: int, days: int, params: TuningParams | None) -> Scenario:
    """The scenario as the run sees it: its seed, its days, the tuned tables if any."""
    simulation = scenario.simulation.model_copy(update={"seed": seed, "days": days})
    out = scenario.model_copy(update={"simulation": simulation})
    if params is not None:
        out = with_tables(out, tables_for(out, z=params.z, cover_days=params.cover_days))
    return out


def run_one(
    case: ScenarioCase,
    policy_name: str,
    seed: int,
    days: int | None = None,
    *,
    params: TuningParams | None = None,
    kind: Kind = "evaluation",
) -> dict[str, Any]:
    """Run `policy_name` on `case` with `seed` for `days` (default: all) in this process.

    Agents live in this process (`InlineDirectory`) and so does the
    coordinator: a run is one core's work, whatever runs it.
    """
    return execute(case, spec_for(case, policy_name, seed, days, kind=kind, params=params))


def execute(case: ScenarioCase, spec: RunSpec, events: Path | None = None) -> dict[str, Any]:
    """Make the run `spec` describes on `case` and return its record.

    With `events`, an evaluation run's event log is written as Parquet into
    `events / key.stem` (`adapters.eventlog`); tuning runs write none.
    """
    key = spec.key
    scenario = prepare(case.scenario, key.seed, key.days, spec.params)
    started = time.perf_counter()
    directory = InlineDirectory.start(
        scenario.network, agent_settings=AgentSettings().following(scenario.planning)
    )
    log = (
        ParquetLog(events / key.stem) if events is not None and spec.kind == "evaluation" else None
    )
    try:
        run = run_policy(scenario, resolve(key.policy), directory, store=log)
    finally:
        directory.close()
        if log is not None:
            log.close()
    return {
        "kind": spec.kind,
        "policy": key.policy,
        "scenario": key.scenario,
        "scenario_hash": key.scenario_hash,
        "family": case.family,
        "seed": key.seed,
        "days": key.days,
        "variant": key.variant,
        "z": spec.params.z if spec.params else None,
        "cover_days": spec.params.cover_days if spec.params else None,
        **run.kpis.model_dump(),
        "plans_time_limit": sum(p.status is PlanStatus.TIME_LIMIT for p in run.plans),
        "plans_stale": sum(p.status is PlanStatus.STALE for p in run.plans),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }


def key_of(record: dict[str, Any]) -> tuple[str, str, int, int, str]:
    """A record's identity, as `RunKey.identity`."""
    return (
        str(record["policy"]),
        str(record["scenario_hash"]),
        int(record["seed"]),
        int(record["days"]),
        str(record.get("variant") or ""),
    )
