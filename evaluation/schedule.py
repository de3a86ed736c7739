"""Which runs an evaluation still needs, and when each becomes ready.

Tuning runs come first, scenario by scenario. A scenario's `reorder_tuned`
runs are ready once all its tuning runs are (stored or just finished): its
grid choice fixes their tables. Every other evaluation run is ready at once,
queued behind the tuning, so workers never idle while tuning finishes. Runs
already stored are never scheduled (unless stored before the objective KPI
existed). Whoever executes the runs (this
process in `run_serial`, Ray tasks in `cluster.evaluate`) feeds each
finished record back through `finished`, which may release more runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from evaluation.plan import EvaluationPlan
from evaluation.policies import TUNED
from evaluation.runs import RunSpec, spec_for
from evaluation.store import ResultStore
from evaluation.suite import ScenarioCase
from evaluation.tuning import TuningChoice, choose

Job = tuple[ScenarioCase, RunSpec]
Execute = Callable[[ScenarioCase, RunSpec], dict[str, Any]]


class Schedule:
    """The runs of `plan` not yet in storage, released in dependency order."""

    def __init__(
        self,
        plan: EvaluationPlan,
        *,
        stored: Callable[[RunSpec], bool],
        tuning_records: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        self.plan = plan
        self._stored = stored
        self._cases = {c.digest: c for c in plan.cases}
        self._tuning: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
        for r in tuning_records:
            if r.get(plan.kpi) is not None:
                self._tuning[str(r["scenario_hash"]), int(r["days"])].append(r)
        self._waiting: dict[str, set[tuple[int, str]]] = {}
        self.choices: dict[str, TuningChoice] = {}
        self.skipped = 0
        """Runs of the plan found in storage, so not scheduled."""

    def tuning_specs(self, case: ScenarioCase) -> list[RunSpec]:
        """Every tuning run of `case`: each grid pair on each training seed."""
        return [
            spec_for(case, TUNED, seed, kind="tuning", params=params)
            for params in self.plan.grid
            for seed in self.plan.train_seeds
        ]

    def start(self) -> list[Job]:
        """The runs ready now: missing tuning runs, then every evaluation run that can go."""
        tuning: list[Job] = []
        later: list[Job] = []
        for case in self.plan.cases:
            if not self.plan.tunes:
                continue
            missing = self._missing(self.tuning_specs(case))
            tuning.extend((case, s) for s in missing)
            if missing:
                self._waiting[case.digest] = {(s.key.seed, s.key.variant) for s in missing}
            else:
                later.extend(self._tuned(case))
        for case in self.plan.cases:
            for policy in self.plan.policies:
                if policy == TUNED:
                    continue
                for seed in self.plan.seeds:
                    later.extend((case, s) for s in self._missing([spec_for(case, policy, seed)]))
        return tuning + later

    def finished(self, spec: RunSpec, record: Mapping[str, Any]) -> list[Job]:
        """Note a finished run; return the runs it made ready."""
        if spec.kind != "tuning":
            return []
        digest = spec.key.scenario_hash
        self._tuning[digest, spec.key.days].append(record)
        waiting = self._waiting[digest]
        waiting.discard((spec.key.seed, spec.key.variant))
        if waiting:
            return []
        del self._waiting[digest]
        return self._tuned(self._cases[digest])

    @property
    def pending_tuned(self) -> int:
        """Tuned runs not yet released (their scenario's tuning is still running)."""
        return len(self._waiting) * len(self.plan.seeds)

    def _tuned(self, case: ScenarioCase) -> list[Job]:
        choice = choose(
            self._tuning[case.digest, case.scenario.simulation.days],
            self.plan.grid,
            kpi=self.plan.kpi,
            seeds=self.plan.train_seeds,
        )
        self.choices[case.digest] = choice
        specs = [spec_for(case, TUNED, s, params=choice.params) for s in self.plan.seeds]
        return [(case, s) for s in self._missing(specs)]

    def _missing(self, specs: list[RunSpec]) -> list[RunSpec]:
        missing = [s for s in specs if not self._stored(s)]
        self.skipped += len(specs) - len(missing)
        return missing


def run_serial(plan: EvaluationPlan, store: ResultStore, execute: Execute) -> Schedule:
    """Run every missing run of `plan` one after another in this process, storing each."""
    schedule = Schedule(
        plan,
        stored=partial(store.has, measuring=plan.kpi),
        tuning_records=store.records("tuning"),
    )
    queue = schedule.start()
    while queue:
        case, spec = queue.pop(0)
        record = execute(case, spec)
        store.write(spec, record)
        queue.extend(schedule.finished(spec, record))
    return schedule
