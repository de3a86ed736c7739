"""`supplysync tune`: a policy's parameters tuned by Optuna, every run a Ray task.

Each trial asks the sampler (TPE, seeded) for one point of the search
space (`evaluation.space`), runs the policy with those parameters on every
scenario and training seed, as Ray tasks like `supplysync evaluate`'s, and
tells the sampler the mean objective KPI. The study lives in SQLite in the
results directory, so a second call with more trials continues it; every
run is stored there too (`tuning/`, keyed by the whole policy spec), so a
point tried twice is not run twice. At the end the best parameters are run
beside the policy's defaults on held-out seeds, never seen while tuning:
that paired comparison, not the training mean, is what the tuning is
worth. The best parameters are written as TOML, the history as a PNG.
"""

from __future__ import annotations

import math
import statistics
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import ray
import tomli_w
from optuna.trial import TrialState
from ray.exceptions import RayTaskError

from cluster.bootstrap import connect, is_running, shutdown, start_ray
from cluster.evaluate import run_task
from evaluation.kpis import Direction, direction
from evaluation.runs import Kind, RunSpec, key_of, spec_for
from evaluation.space import SearchSpace
from evaluation.stats import PairedStats, compare, pairs
from evaluation.store import ResultStore
from evaluation.suite import ScenarioCase
from policies.plugins import PolicyError, load_policy, parse_spec, source_dir, with_params
from supplysync.settings import RuntimeSettings

STUDY = "supplysync"
"""The study's name in its results directory's `study.db` (one study per directory)."""


@dataclass(frozen=True)
class TuneOutcome:
    """What a tuning did.

    Attributes:
        best_spec: the policy with the best parameters found.
        best_params: those parameters.
        best_value: their mean objective KPI over the training runs.
        trials: completed trials in the study (this call's and earlier ones).
        holdout: the best parameters (A) against the policy's defaults (B)
            on the held-out seeds.
    """

    best_spec: str
    best_params: dict[str, Any]
    best_value: float
    trials: int
    holdout: PairedStats


def check(target: str, space: SearchSpace) -> None:
    """Refuse a policy and space that do not fit (`PolicyError` naming the parameter)."""
    _, fixed = parse_spec(target)
    both = sorted(set(fixed) & {d.name for d in space.dimensions})
    if both:
        raise PolicyError(f"policy {target!r} fixes {both[0]!r}, which the space also varies")
    load_policy(target)
    load_policy(spec_with(target, space.middle()))


def spec_with(target: str, params: Mapping[str, Any]) -> str:
    """`target` with `params` in its brackets."""
    return with_params(target, [f"{k}={v}" for k, v in params.items()])


def tune(
    *,
    target: str,
    space: SearchSpace,
    cases: Sequence[ScenarioCase],
    train_seeds: Sequence[int],
    holdout_seeds: Sequence[int],
    trials: int,
    kpi: str,
    out: Path,
    workers: int | None = None,
    address: str | None = None,
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> TuneOutcome:
    """Tune `target` over `space` until the study in `out` has `trials` completed trials."""
    check(target, space)
    sense = direction(kpi)
    if sense is Direction.NONE:
        raise ValueError(f"KPI {kpi!r} is descriptive: neither more nor less is better")
    out.mkdir(parents=True, exist_ok=True)
    store = ResultStore(out)
    study = _study(out, target, space, sense)
    shipped = source_dir([target])
    env = {"working_dir": str(shipped)} if shipped else None
    owns = not is_running()
    if address:
        connect(address, runtime_env=env)
    else:
        start_ray(RuntimeSettings(), num_cpus=workers, runtime_env=env)
    cap = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))  # type: ignore[no-untyped-call]
    try:
        done = _completed(study)
        while done < trials:
            trial = study.ask()
            params = space.suggest(trial)
            spec = spec_with(target, params)
            trial.set_user_attr("policy", spec)
            records = _run_all(
                store, cases, [spec], train_seeds, kind="tuning", cap=cap, kpi=kpi, say=say
            )
            if len(records) < len(cases) * len(train_seeds):
                study.tell(trial, state=TrialState.FAIL)
                say(f"trial {trial.number}: {spec}: some runs failed; trial left out")
                continue
            value = statistics.fmean(float(r[kpi]) for r in records)
            study.tell(trial, value)
            done += 1
            say(
                f"trial {done}/{trials} (#{trial.number}): {_show(params)} -> {kpi} "
                f"{figure(value)} (best {figure(study.best_value)})"
            )
        best = study.best_trial
        best_spec = spec_with(target, best.params)
        say(f"best: {best_spec} ({kpi} {figure(study.best_value)}); held-out seeds next")
        held = _run_all(
            store,
            cases,
            [best_spec, target],
            holdout_seeds,
            kind="evaluation",
            cap=cap,
            kpi=kpi,
            say=say,
        )
    finally:
        if owns:
            shutdown()
    holdout = compare(pairs(held, best_spec, target, kpi), kpi)
    outcome = TuneOutcome(
        best_spec=best_spec,
        best_params=dict(best.params),
        best_value=float(study.best_value),
        trials=_completed(study),
        holdout=holdout,
    )
    _write(
        out,
        study,
        outcome,
        target=target,
        kpi=kpi,
        train_seeds=train_seeds,
        holdout_seeds=holdout_seeds,
    )
    return outcome


def _study(out: Path, target: str, space: SearchSpace, sense: Direction) -> optuna.Study:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=STUDY,
        storage=f"sqlite:///{out / 'study.db'}",
        direction="maximize" if sense is Direction.HIGHER else "minimize",
        sampler=optuna.samplers.TPESampler(seed=0),
        load_if_exists=True,
    )
    names = [d.name for d in space.dimensions]
    stored = study.user_attrs.get("policy")
    if stored is None:
        study.set_user_attr("policy", target)
        study.set_user_attr("params", names)
    elif stored != target or study.user_attrs.get("params") != names:
        raise PolicyError(
            f"{out}: the study there tunes {stored!r} over {study.user_attrs.get('params')}; "
            "give another --out"
        )
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        study.tell(t.number, state=TrialState.FAIL)  # cut short by an earlier interruption
    return study


def _completed(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def _run_all(
    store: ResultStore,
    cases: Sequence[ScenarioCase],
    specs: Sequence[str],
    seeds: Sequence[int],
    *,
    kind: Kind,
    cap: int,
    kpi: str,
    say: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every run of `specs` on `cases` x `seeds`, stored ones read back, the others on Ray."""
    wanted = [
        (case, spec_for(case, spec, seed, kind=kind))
        for spec in specs
        for case in cases
        for seed in seeds
    ]
    todo = [(c, s) for c, s in wanted if not store.has(s, measuring=kpi)]
    refs: dict[Any, RunSpec] = {}
    shared = {c.digest: ray.put(c) for c, _ in todo}
    while todo or refs:
        while todo and len(refs) < cap:
            case, spec = todo.pop(0)
            refs[run_task.remote(shared[case.digest], spec)] = spec
        ready, _ = ray.wait(list(refs), num_returns=1)
        for ref in ready:
            spec = refs.pop(ref)
            try:
                store.write(spec, ray.get(ref))
            except RayTaskError as exc:
                say(f"run {spec.key.stem} failed: {exc.cause}")
    keys = {s.key.identity for _, s in wanted}
    return [r for r in store.records(kind) if key_of(r) in keys]


def figure(value: float) -> str:
    """A KPI for people: money and counts with thousands separators, rates to 4 digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _show(params: Mapping[str, Any]) -> str:
    return ", ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items()
    )


def _write(
    out: Path,
    study: optuna.Study,
    outcome: TuneOutcome,
    *,
    target: str,
    kpi: str,
    train_seeds: Sequence[int],
    holdout_seeds: Sequence[int],
) -> None:
    h = outcome.holdout
    finite = {
        "mean_best": h.mean_a,
        "mean_defaults": h.mean_b,
        "mean_diff": h.mean_diff,
        "ci_low": h.ci_low,
        "ci_high": h.ci_high,
    }
    document = {
        "policy": target,
        "best": outcome.best_spec,
        "params": outcome.best_params,
        "kpi": kpi,
        "trials": outcome.trials,
        "train": {"seeds": list(train_seeds), "mean": outcome.best_value},
        "holdout": {
            "seeds": list(holdout_seeds),
            "pairs": h.n,
            "win_rate": h.win_rate if h.win_rate is not None else math.nan,
            **finite,
        },
    }
    text = tomli_w.dumps(_no_nan(document))
    (out / "best.toml").write_text(text, encoding="utf-8")
    _history(study, out / "history.png", kpi)


def _no_nan(value: Any) -> Any:
    """TOML has nan, but a reader in another tool may not: an unknown figure is left out."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items() if not _is_nan(v)}
    return value


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _history(study: optuna.Study, path: Path, kpi: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.visualization.matplotlib import plot_optimization_history

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        ax = plot_optimization_history(study, target_name=kpi)
    figure = ax.get_figure(root=True)
    assert figure is not None
    figure.set_size_inches(8, 4.5)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
