"""Research from Python: a scenario and a policy in, KPIs, plans and run records out.

For notebooks and scripts; no command line, no Ray, everything in this
process (agents inline, as `supplysync demo --placement inline` runs
them)::

    from evaluation import lab

    run = lab.run("scenarios/demo.toml", "milp", seed=1, days=3, events="log/")
    run.kpis.fill_rate, run.kpis.total_cost, len(run.plans)
    pandas.read_parquet("log/readings.parquet")  # and alerts, orders, plans, ...

    rows = lab.table(["scenarios/suite"], ["reorder_point", "myopic:Myopic"], seeds=[0, 1])
    pandas.DataFrame(rows)  # one row per run, the columns `supplysync evaluate` writes

A policy is any spec `supplysync demo --policies` takes (`policies.plugins`);
`reorder_tuned` needs its tuning, which `supplysync evaluate` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from adapters.eventlog import ParquetLog
from agents.settings import AgentSettings
from evaluation.policies import resolve
from evaluation.runs import run_one
from evaluation.suite import load_suite, shorten
from runtime.directory import InlineDirectory
from runtime.research import PolicyRun, run_policy
from supplysync.scenario import Scenario, load_scenario


def load(path: str | Path) -> Scenario:
    """The scenario in `path` (`ScenarioError` naming the field if it does not validate)."""
    return load_scenario(Path(path))


def run(
    scenario: Scenario | str | Path,
    policy: str = "milp",
    *,
    seed: int | None = None,
    days: int | None = None,
    events: str | Path | None = None,
) -> PolicyRun:
    """`policy` on `scenario` (its own seed unless `seed`; all its days unless `days`).

    Returns the run: `kpis` (`supplysync.kpi.Kpis`), every `plans` made, the
    `alerts` raised. With `events`, the run's event log is written there as
    Parquet files (`adapters.eventlog`), one per record kind.
    """
    sc = scenario if isinstance(scenario, Scenario) else load(scenario)
    if days is not None:
        sc = shorten(sc, days, where=sc.name)
    if seed is not None:
        sc = sc.model_copy(update={"simulation": sc.simulation.model_copy(update={"seed": seed})})
    directory = InlineDirectory.start(
        sc.network, agent_settings=AgentSettings().following(sc.planning)
    )
    log = ParquetLog(Path(events)) if events is not None else None
    try:
        return run_policy(sc, resolve(policy), directory, store=log)
    finally:
        directory.close()
        if log is not None:
            log.close()


def table(
    scenarios: Iterable[str | Path],
    policies: Sequence[str],
    seeds: Sequence[int],
    *,
    days: int | None = None,
) -> list[dict[str, Any]]:
    """Every policy on every scenario (files or directories) and seed: one record per run.

    The records are those `supplysync evaluate` stores (the run's key, every
    KPI, the wall time), made one after another in this process.
    """
    cases = load_suite([Path(p) for p in scenarios], days=days)
    return [run_one(case, policy, seed) for case in cases for policy in policies for seed in seeds]
