"""`supplysync evaluate` on Ray: every missing run of an evaluation as a Ray task.

Each run is one task of one core (`evaluation.runs.execute`: agents and the
coordinator in the worker's own process, HiGHS single-threaded). The driver
keeps at most `workers` tasks in flight, takes them back with `ray.wait` as
they finish, and stores each result at once, so an evaluation killed at any
point resumes with the runs it had not finished. Tuning runs are submitted
first (`evaluation.schedule`); a scenario's tuned-rule runs follow as soon
as its tuning is complete. A run that fails is reported and left out; the
others go on.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayTaskError
from tqdm import tqdm

from cluster.bootstrap import connect, is_running, shutdown, start_ray
from evaluation.outputs import write_outputs
from evaluation.plan import EvaluationPlan
from evaluation.runs import RunSpec, execute
from evaluation.schedule import Job, Schedule
from evaluation.store import ResultStore
from evaluation.suite import ScenarioCase
from policies.plugins import source_dir
from supplysync.settings import RuntimeSettings


@ray.remote(num_cpus=1)
def run_task(case: ScenarioCase, spec: RunSpec, events: str | None = None) -> dict[str, Any]:
    """One run as a Ray task of one core (`evaluation.runs.execute`)."""
    return execute(case, spec, None if events is None else Path(events))


@dataclass
class Outcome:
    """What one invocation did.

    Attributes:
        summary: the evaluation's summary (every stored run of the plan).
        report: the report's text.
        executed: runs made now (not found in storage).
        skipped: runs of the plan already stored.
        seconds: from the first submission to the last result (Ray's own
            start-up, a few seconds, is `summary["invocation"]["ray_start_seconds"]`).
        workers: tasks kept in flight.
        failures: (run key stem, error) of runs that raised.
    """

    summary: dict[str, Any]
    report: str
    executed: int
    skipped: int
    seconds: float
    workers: int
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def runs_per_minute(self) -> float:
        return 60.0 * self.executed / self.seconds if self.seconds > 0 else 0.0


def evaluate(
    plan: EvaluationPlan,
    out: Path,
    *,
    workers: int | None = None,
    address: str | None = None,
    progress: bool = True,
    events: Path | None = None,
) -> Outcome:
    """Run every run of `plan` not yet stored in `out`, then write summary, report and plots.

    Args:
        plan: what to run and compare.
        out: the results directory (created if missing).
        workers: runs at once; locally also the cores Ray gets (default: all
            of this machine's, or the cluster's CPUs with `address`).
        address: an existing Ray cluster to join (`auto`, `ray://head:10001`);
            None starts a local Ray unless this process already has one.
        progress: show a progress bar on stderr.
        events: write each evaluation run's event log there as Parquet, one
            directory per run (`RunKey.stem`); on a cluster, a path every
            node can write (a shared file system).

    A policy imported from outside the environment (`policies.plugins.source_dir`)
    is shipped to the workers as the job's working directory when this call
    starts or joins Ray; a process already running Ray must have started it
    so that its workers can import the policy.
    """
    store = ResultStore(out)
    schedule = Schedule(
        plan,
        stored=partial(store.has, measuring=plan.kpi),
        tuning_records=store.records("tuning"),
    )
    queue: deque[Job] = deque(schedule.start())
    total = len(queue) + schedule.pending_tuned
    owns = False
    ray_started = time.perf_counter()
    shipped = source_dir(plan.policies)
    env = {"working_dir": str(shipped)} if shipped else None
    if queue:
        owns = not is_running()
        if address:
            connect(address, runtime_env=env)
        else:
            start_ray(RuntimeSettings(), num_cpus=workers or os.cpu_count() or 1, runtime_env=env)
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        cap = workers or max(1, int(cpus))
    else:
        cap = workers or 0
    ray_seconds = time.perf_counter() - ray_started
    failures: list[tuple[str, str]] = []
    started = time.perf_counter()
    try:
        executed = _drain(
            schedule,
            store,
            queue=queue,
            cap=cap,
            total=total,
            progress=progress,
            failures=failures,
            events=None if events is None else str(events.resolve()),
        )
        seconds = time.perf_counter() - started
    finally:
        if owns:
            shutdown()
    outcome_info: Mapping[str, Any] = {
        "executed": executed,
        "skipped": schedule.skipped,
        "failed": len(failures),
        "seconds": round(seconds, 2),
        "runs_per_minute": round(60.0 * executed / seconds, 2) if executed else 0.0,
        "workers": cap,
        "ray_start_seconds": round(ray_seconds, 2),
    }
    summary, report = write_outputs(plan, store, schedule.choices, invocation=outcome_info)
    return Outcome(
        summary=summary,
        report=report,
        executed=executed,
        skipped=schedule.skipped,
        seconds=seconds,
        workers=cap,
        failures=failures,
    )


def _drain(
    schedule: Schedule,
    store: ResultStore,
    *,
    queue: deque[Job],
    cap: int,
    total: int,
    progress: bool,
    failures: list[tuple[str, str]],
    events: str | None,
) -> int:
    """Keep `cap` runs in flight until none is left; store each; return how many ran."""
    cases: dict[str, Any] = {}
    in_flight: dict[Any, tuple[ScenarioCase, RunSpec]] = {}
    done_count = 0
    bar = tqdm(total=total, unit="run", file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        while queue or in_flight:
            while queue and len(in_flight) < cap:
                case, spec = queue.popleft()
                if case.digest not in cases:
                    cases[case.digest] = ray.put(case)
                in_flight[run_task.remote(cases[case.digest], spec, events)] = (case, spec)
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in ready:
                case, spec = in_flight.pop(ref)
                try:
                    record = ray.get(ref)
                except RayTaskError as exc:
                    failures.append((spec.key.stem, str(exc.cause)))
                    bar.write(f"run {spec.key.stem} failed: {exc.cause}", file=sys.stderr)
                    bar.update(1)
                    continue
                store.write(spec, record)
                done_count += 1
                bar.set_description_str(spec.kind, refresh=False)
                bar.update(1)
                queue.extend(schedule.finished(spec, record))
    finally:
        for ref in in_flight:
            ray.cancel(ref)
        bar.close()
    return done_count
