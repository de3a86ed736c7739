"""`evaluate` (policies x scenarios x seeds as Ray tasks, paired statistics) and `tune`
(a policy's parameters searched by Optuna)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from console.options import Commands, param_argument, refuse, with_params
from supplysync.policy import split_specs


def add_evaluate(sub: Commands) -> None:
    """`evaluate`: policies x scenarios x seeds as Ray tasks, paired statistics."""
    ev = sub.add_parser(
        "evaluate",
        help="run policies over scenarios and seeds as Ray tasks; paired statistics and plots",
    )
    ev.add_argument(
        "--scenarios",
        type=Path,
        nargs="+",
        required=True,
        metavar="PATH",
        help="scenario files, or directories of *.toml scenarios",
    )
    ev.add_argument("--seeds", default="0,1,2", help="evaluation seeds, e.g. 0,1,2 or 0-9")
    ev.add_argument(
        "--train-seeds",
        default="1000,1001",
        help="seeds the reorder_tuned grid search runs on (disjoint from --seeds)",
    )
    ev.add_argument(
        "--grid-z",
        default=None,
        metavar="Z,...",
        help="safety factors the reorder_tuned search tries (default 0,1,2,3,4,5,6)",
    )
    ev.add_argument(
        "--grid-cover",
        default=None,
        metavar="DAYS,...",
        help="order covers in days the reorder_tuned search tries (default 1,3,5,7)",
    )
    ev.add_argument(
        "--policies",
        default=None,
        help="comma-separated policies (default: every policy the coordinator has, "
        "plus reorder_tuned); any spec `demo --policies` takes",
    )
    param_argument(ev)
    ev.add_argument("--baseline", default="reorder_tuned", help="policy B of the comparison")
    ev.add_argument("--candidate", default="milp", help="policy A of the comparison")
    ev.add_argument("--days", type=int, default=None, help="shorten every scenario to N days")
    ev.add_argument("--workers", type=int, default=None, help="runs at once (default: every core)")
    ev.add_argument(
        "--address", default=None, help="join this Ray cluster instead of starting a local Ray"
    )
    ev.add_argument(
        "--out", type=Path, default=Path("evaluation-results"), help="results directory"
    )
    ev.add_argument("--kpi", default="total_cost", help="objective KPI: what tuning and regret use")
    ev.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    ev.add_argument(
        "--events",
        type=Path,
        metavar="DIR",
        help="write each evaluation run's event log as Parquet into DIR/<run> (runs made now)",
    )
    ev.set_defaults(func=_evaluate)


def _grid(zs: str | None, covers: str | None) -> Any:
    """The tuning grid of `--grid-z` and `--grid-cover`; ValueError naming a bad value."""
    from evaluation.tuning import COVER_GRID, Z_GRID, grid

    def values(text: str | None, default: tuple[float, ...], flag: str) -> tuple[float, ...]:
        if text is None:
            return default
        try:
            return tuple(float(v) for v in text.split(",") if v.strip())
        except ValueError:
            raise ValueError(f"{flag}: not a comma-separated list of numbers: {text!r}") from None

    return grid(values(zs, Z_GRID, "--grid-z"), values(covers, COVER_GRID, "--grid-cover"))


def parse_seeds(text: str) -> tuple[int, ...]:
    """`0,1,2` or `0-9` (or both, `0-4,10`) as a tuple of seeds; ValueError if malformed."""
    seeds: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        low, sep, high = part.partition("-")
        if sep and low.strip().isdigit() and high.strip().isdigit():
            if int(low) > int(high):
                raise ValueError(f"empty seed range {part!r}")
            seeds.extend(range(int(low), int(high) + 1))
        else:
            seeds.append(int(part))
    return tuple(seeds)


def add_tune(sub: Commands) -> None:
    """`tune`: a policy's parameters searched by Optuna, judged on held-out seeds."""
    tu = sub.add_parser(
        "tune",
        help="tune a policy's parameters with Optuna over scenarios and training seeds "
        "(runs as Ray tasks); report the best on held-out seeds",
    )
    tu.add_argument(
        "--policy", required=True, help="the policy spec to tune (one whose class declares Params)"
    )
    tu.add_argument("--space", type=Path, required=True, help="search space TOML")
    tu.add_argument(
        "--scenarios", type=Path, nargs="+", required=True, metavar="PATH", help="scenarios"
    )
    tu.add_argument("--seeds", default="1000,1001", help="training seeds (default 1000,1001)")
    tu.add_argument("--holdout-seeds", default="0,1,2", help="held-out seeds the best is judged on")
    tu.add_argument("--trials", type=int, default=20, help="completed trials the study reaches")
    tu.add_argument("--kpi", default="total_cost", help="objective KPI (default total_cost)")
    tu.add_argument("--days", type=int, default=None, help="shorten every scenario to N days")
    tu.add_argument("--workers", type=int, default=None, help="runs at once (default: every core)")
    tu.add_argument("--address", default=None, help="join this Ray cluster")
    tu.add_argument(
        "--out", type=Path, default=Path("tuning-results"), help="study, runs, best.toml, plot"
    )
    tu.set_defaults(func=_tune)


def _tune(args: argparse.Namespace) -> int:
    from evaluation.kpis import MissingKpiError, require_kpi
    from evaluation.space import SpaceError, load_space
    from evaluation.suite import load_suite
    from policies.plugins import PolicyError
    from supplysync.kpi import Kpis

    try:
        seeds = {name: parse_seeds(getattr(args, name)) for name in ("seeds", "holdout_seeds")}
    except ValueError:
        return refuse("--seeds/--holdout-seeds: expected integers like 0,1,2")
    problems = [
        "--trials must be at least 1" if args.trials < 1 else "",
        "--workers must be at least 1" if args.workers is not None and args.workers < 1 else "",
        "held-out seeds must differ from training seeds"
        if set(seeds["seeds"]) & set(seeds["holdout_seeds"])
        else "",
    ]
    try:
        require_kpi(args.kpi, Kpis.model_fields)
        space = load_space(args.space)
        from cluster.tune import check, figure, tune

        check(args.policy, space)
    except (SpaceError, PolicyError, MissingKpiError) as exc:
        problems.append(str(exc))
    if any(problems):
        return refuse(next(p for p in problems if p))
    cases = load_suite(args.scenarios, days=args.days)
    try:
        outcome = tune(
            target=args.policy,
            space=space,
            cases=cases,
            train_seeds=seeds["seeds"],
            holdout_seeds=seeds["holdout_seeds"],
            trials=args.trials,
            kpi=args.kpi,
            out=args.out,
            workers=args.workers,
            address=args.address,
        )
    except (PolicyError, ValueError) as exc:
        return refuse(exc)
    h = outcome.holdout
    ci = (
        "no interval from one pair"
        if h.n < 2
        else f"95 % CI {figure(h.ci_low)} to {figure(h.ci_high)}"
    )
    print(f"best: {outcome.best_spec}")
    print(f"  {args.kpi} on training seeds: {figure(outcome.best_value)} ({outcome.trials} trials)")
    print(
        f"  held-out seeds, best - defaults over {h.n} pairs: {figure(h.mean_diff)} ({ci}); "
        f"best {figure(h.mean_a)}, defaults {figure(h.mean_b)}"
    )
    print(f"  written: {args.out / 'best.toml'}, {args.out / 'history.png'}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    try:
        seeds = parse_seeds(args.seeds)
    except ValueError:
        return refuse(f"--seeds: expected integers like 0,1,2 or 0-9, got {args.seeds!r}")
    try:
        train_seeds = parse_seeds(args.train_seeds)
    except ValueError:
        message = f"expected integers like 1000,1001, got {args.train_seeds!r}"
        return refuse(f"--train-seeds: {message}")
    if args.workers is not None and args.workers < 1:
        return refuse("--workers must be at least 1")
    from evaluation.kpis import MissingKpiError
    from evaluation.plan import EvaluationPlan
    from evaluation.policies import policy_names
    from evaluation.suite import load_suite

    cases = load_suite(args.scenarios, days=args.days)
    try:
        policies, renamed = with_params(
            policy_names() if args.policies is None else split_specs(args.policies), args
        )
        plan = EvaluationPlan(
            cases=tuple(cases),
            policies=tuple(policies),
            seeds=seeds,
            baseline=renamed.get(args.baseline, args.baseline),
            candidate=renamed.get(args.candidate, args.candidate),
            kpi=args.kpi,
            train_seeds=train_seeds,
            grid=_grid(args.grid_z, args.grid_cover),
        )
    except (ValueError, MissingKpiError) as exc:
        return refuse(exc)

    from cluster.evaluate import evaluate

    try:
        outcome = evaluate(
            plan,
            args.out,
            workers=args.workers,
            address=args.address,
            progress=not args.no_progress,
            events=args.events,
        )
    except KeyboardInterrupt:
        print(
            f"supplysync: interrupted; finished runs are kept in {args.out}, "
            "the same command resumes",
            file=sys.stderr,
        )
        return 130
    print(outcome.report, end="")
    print(
        f"{outcome.executed} runs in {outcome.seconds:.1f} s with {outcome.workers} workers: "
        f"{outcome.runs_per_minute:.1f} runs/minute ({outcome.skipped} already stored); "
        f"results in {args.out}",
        file=sys.stderr,
    )
    for stem, error in outcome.failures:
        print(f"supplysync: run {stem} failed: {error}", file=sys.stderr)
    return 1 if outcome.failures else 0
