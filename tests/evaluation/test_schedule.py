"""Which runs an evaluation makes, in which order, and that a second call makes none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.plan import EvaluationPlan
from evaluation.schedule import Schedule, run_serial
from evaluation.store import ResultStore
from evaluation.suite import case_of
from evaluation.tuning import TuningParams
from supplysync.scenario import Scenario
from tests.evaluation.conftest import KPI, FakeRuns

GRID = (TuningParams(0, 1), TuningParams(1, 2), TuningParams(2, 3))


def _plan(demo_scenario: Scenario, **changes: Any) -> EvaluationPlan:
    other = demo_scenario.model_copy(update={"name": "demo-2"})
    args: dict[str, Any] = {
        "cases": (case_of(demo_scenario), case_of(other)),
        "policies": ("reorder_point", "reorder_tuned"),
        "baseline": "reorder_point",
        "candidate": "reorder_tuned",
        "kpi": KPI,
        "seeds": (0, 1),
        "train_seeds": (1000,),
        "grid": GRID,
    }
    return EvaluationPlan(**{**args, **changes})


def test_tuning_comes_first_then_the_tuned_runs(demo_scenario: Scenario) -> None:
    plan = _plan(demo_scenario)
    schedule = Schedule(plan, stored=lambda _: False)
    first = schedule.start()
    kinds = [s.kind for _, s in first]
    assert kinds == ["tuning"] * 6 + ["evaluation"] * 4  # 2 scenarios x 3 pairs, then rule x 2 x 2
    assert all(s.key.policy == "reorder_point" for _, s in first[6:])
    assert schedule.pending_tuned == 4
    fake = FakeRuns()
    released = []
    for case, spec in first[:6]:
        released += schedule.finished(spec, fake(case, spec))
    assert [(s.key.policy, s.key.variant) for _, s in released] == [
        ("reorder_tuned", "z1-cover2")
    ] * 4
    assert schedule.pending_tuned == 0


def test_a_second_call_runs_nothing(demo_scenario: Scenario, tmp_path: Path) -> None:
    plan = _plan(demo_scenario)
    store = ResultStore(tmp_path)
    fake = FakeRuns()
    first = run_serial(plan, store, fake)
    assert len(fake.made) == 6 + 4 + 4
    assert first.skipped == 0
    assert {c.params for c in first.choices.values()} == {TuningParams(1, 2)}
    assert len(store.records("evaluation")) == 8 and len(store.records("tuning")) == 6

    again = FakeRuns()
    second = run_serial(plan, store, again)
    assert again.made == []
    assert second.skipped == 14
    assert second.choices.keys() == first.choices.keys()


def test_a_killed_evaluation_resumes_with_what_is_missing(
    demo_scenario: Scenario, tmp_path: Path
) -> None:
    plan = _plan(demo_scenario)
    store = ResultStore(tmp_path)
    fake = FakeRuns()
    run_serial(plan, store, fake)
    for spec in fake.made[2:5]:  # two tuning runs and one plain run were lost
        store.path(spec).unlink()
    again = FakeRuns()
    run_serial(plan, store, again)
    assert [s.key for s in again.made] == [s.key for s in fake.made[2:5]]


def test_more_seeds_later_run_only_the_new_ones(demo_scenario: Scenario, tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    run_serial(_plan(demo_scenario), store, FakeRuns())
    more = FakeRuns()
    run_serial(_plan(demo_scenario, seeds=(0, 1, 2)), store, more)
    assert sorted((s.key.policy, s.key.seed) for s in more.made) == [
        ("reorder_point", 2),
        ("reorder_point", 2),
        ("reorder_tuned", 2),
        ("reorder_tuned", 2),
    ]


def test_runs_stored_before_the_objective_existed_are_made_again(
    demo_scenario: Scenario, tmp_path: Path
) -> None:
    store = ResultStore(tmp_path)
    run_serial(_plan(demo_scenario, kpi="fill_rate"), store, FakeRuns(drop=KPI))
    again = FakeRuns()
    second = run_serial(_plan(demo_scenario), store, again)
    assert len(again.made) == 14 and second.skipped == 0
    assert all(store.has(spec, measuring=KPI) for spec in again.made)
