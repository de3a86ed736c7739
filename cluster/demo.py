"""`supplysync demo`: one scenario, three policies, the same seed, KPIs side by side.

Ray starts once; the agent actors are reset between policies, so every
policy meets the same world with fresh agents and the comparison costs one
actor start-up, not three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from adapters.eventlog import ParquetLog, safe_name
from adapters.store import LIVE_RUN, EventStore, Record, open_store
from agents.settings import AgentSettings
from cluster.bootstrap import is_running, shutdown, start_ray
from cluster.coordinator_actor import RemoteCoordinator
from cluster.hosts import RayDirectory
from policies.plugins import load_policy
from runtime.coordinator import Coordinator
from runtime.directory import Directory, InlineDirectory
from runtime.research import PolicyRun, Recorder, run_policy
from supplysync.scenario import Scenario
from supplysync.settings import RuntimeSettings


def run_demo(
    scenario: Scenario,
    policies: Sequence[str],
    *,
    placement: str | None,
    progress: Callable[[str], None],
    db_url: str | None = None,
    events: Path | None = None,
) -> dict[str, Any]:
    """Run `scenario` under each policy and return a JSON-ready summary.

    Args:
        scenario: the scenario to run.
        policies: policy specs (`policies.plugins`), in the order to run and show them.
        placement: `auto`, `per-asset`, `sharded`, `inline` (no Ray) or None
            for the `SUPPLYSYNC_PLACEMENT` setting.
        progress: receives one line per simulated day and policy.
        db_url: an event store URL (`sqlite:///path`, `postgresql://...`) to
            record each policy's run in, under the policy's name; None records
            nothing, which keeps the demo at its fastest.
        events: a directory to write each policy's event log to as Parquet
            (`adapters.eventlog`), in a folder named after the policy.
    """
    inline = placement == "inline"
    settings = RuntimeSettings.from_env(placement=None if inline else placement)
    directory: Directory
    agents = AgentSettings().following(scenario.planning)  # the scenario's shift
    owns_ray = not inline and not is_running()
    if inline:
        directory = InlineDirectory.start(scenario.network, agent_settings=agents)
        resolved = "inline"
    else:
        start_ray(settings)
        directory = RayDirectory.start(scenario.network, settings, agents)
        resolved = settings.resolved_placement(len(scenario.network.asset_kinds()))
        progress(f"agents on Ray, placement {resolved}")
    runs: list[PolicyRun] = []
    store: EventStore | nullcontext[None] = open_store(db_url) if db_url else nullcontext()
    try:
        with store as recorder:
            for name in policies:
                log = ParquetLog(events / safe_name(name)) if events is not None else None
                runs.append(
                    run_policy(
                        scenario,
                        load_policy(name),
                        directory,
                        progress=progress,
                        coordinator=Coordinator if inline else RemoteCoordinator,
                        store=_both(recorder, log),
                    )
                )
                if log is not None:
                    log.close()
    finally:
        directory.close()
        if owns_ray:
            shutdown()
    return {
        "scenario": scenario.name,
        "placement": resolved,
        "days": scenario.simulation.days,
        "policies": {
            run.policy: {
                **run.kpis.model_dump(),
                "readings": run.readings,
                "alerts": len(run.alerts),
                "wall_seconds": round(run.wall_seconds, 2),
            }
            for run in runs
        },
    }


class _Tee:
    """Hands every append to each recorder."""

    def __init__(self, *recorders: Recorder) -> None:
        self.recorders = recorders

    def append(self, records: Iterable[Record], *, run_id: str = LIVE_RUN) -> None:
        kept = list(records)
        for r in self.recorders:
            r.append(kept, run_id=run_id)


def _both(store: Recorder | None, log: Recorder | None) -> Recorder | None:
    if store is None or log is None:
        return store or log
    return _Tee(store, log)
