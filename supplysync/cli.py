"""The `supplysync` command line.

This is the composition root: the one place in `supplysync/` that reaches
into the other packages, and only inside the command that needs them, so
`supplysync validate` stays fast and the vocabulary stays importable alone.

Exit codes: 0 success, 1 a run failed, 2 bad input (a scenario file that
does not validate, with the file and the field in the message).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from supplysync.policy import split_specs
from supplysync.scenario import Scenario, ScenarioError, load_scenario

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "demo.toml"
POLICY_ORDER = ("static", "reorder_point", "milp")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supplysync", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run a scenario under three policies on the embedded default and compare KPIs",
    )
    demo.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario TOML")
    demo.add_argument("--json", action="store_true", help="print KPIs as JSON on stdout")
    demo.add_argument(
        "--placement",
        choices=("auto", "per-asset", "sharded", "inline"),
        default=None,
        help="agent placement on Ray; 'inline' runs agents in-process without Ray",
    )
    demo.add_argument("--days", type=int, default=None, help="shorten the run to N days")
    demo.add_argument(
        "--policies",
        default=",".join(POLICY_ORDER),
        help=f"comma-separated policies (default {','.join(POLICY_ORDER)}): built-in names, "
        "package.module:Class or an installed entry point, each optionally NAME[key=value,...]",
    )
    _param_argument(demo)
    demo.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="record every run in an event store: sqlite:///path or postgresql://...",
    )
    demo.add_argument(
        "--events",
        type=Path,
        default=None,
        metavar="DIR",
        help="write each policy's event log as Parquet (readings, alerts, orders, "
        "deliveries, plans, commands) to DIR/<policy>/",
    )
    demo.set_defaults(func=_demo)

    bench = sub.add_parser("bench", help="repeatable measurements that print a table")
    bench_sub = bench.add_subparsers(required=True, metavar="BENCHMARK")
    vrp = bench_sub.add_parser(
        "vrp",
        help="route CVRPLIB (.vrp) and Solomon (.txt) instances; gap to the best-known cost",
    )
    vrp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    vrp.add_argument("--time-limit", type=float, required=True, help="seconds per instance")
    vrp.add_argument("--json", action="store_true", help="print the results as JSON")
    vrp.set_defaults(func=_bench_vrp)
    replan = bench_sub.add_parser(
        "replan",
        help="cold build and solve, warm re-solve after events, and direct highspy, on "
        "generated networks",
    )
    replan.add_argument("--size", choices=("S", "M", "L"), action="append", help="repeatable")
    replan.add_argument("--events", type=int, default=20, help="events re-solved warm")
    replan.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve")
    replan.add_argument("--gap", type=float, default=0.01, help="relative MIP gap")
    replan.add_argument("--json", action="store_true", help="print the results as JSON")
    replan.set_defaults(func=_bench_replan)
    ingest = bench_sub.add_parser(
        "ingest",
        help="MQTT ingest end to end (broker to durable store to agents): readings/s, "
        "p50/p99 latency at fixed rates, and the mosquitto_sub ceiling",
    )
    ingest.add_argument(
        "--broker",
        default=None,
        metavar="URL",
        help="mqtt://127.0.0.1:PORT (default: a private one)",
    )
    ingest.add_argument(
        "--readings", type=int, default=200_000, help="readings in the flat-out run"
    )
    ingest.add_argument("--batch", type=int, default=100, help="readings per gateway message")
    ingest.add_argument("--rates", default="1000,10000", help="offered readings/s, comma-separated")
    ingest.add_argument("--json", action="store_true", help="print the results as JSON")
    ingest.add_argument(
        "--consumers",
        default=None,
        metavar="N,N",
        help="partitioned ingest instead: consumer processes per run, e.g. 1,2,4 (needs --store)",
    )
    ingest.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="with --consumers: the PostgreSQL database (a fresh schema per run)",
    )
    ingest.add_argument(
        "--offered",
        default="100000",
        help="with --consumers: offered readings/s, comma-separated",
    )
    ingest.set_defaults(func=_bench_ingest)

    broker_config = sub.add_parser(
        "broker-config",
        help="write the Mosquitto password file and the MQTT credentials for a scenario",
    )
    broker_config.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    broker_config.add_argument(
        "--out", type=Path, required=True, help="directory for passwd and credentials.json"
    )
    broker_config.set_defaults(func=_broker_config)

    devices = sub.add_parser(
        "devices", help="run a scenario's simulator as a fleet of MQTT devices on the wall clock"
    )
    devices.add_argument("--broker", required=True, metavar="URL", help="mqtt://host[:port]")
    devices.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    devices.add_argument(
        "--credentials", type=Path, default=None, help="credentials.json of broker-config"
    )
    devices.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per wall second"
    )
    devices.add_argument(
        "--telemetry-qos", type=int, default=0, help="QoS of high-rate telemetry (0 or 1)"
    )
    devices.set_defaults(func=_devices)

    _add_live(sub)
    _add_evaluate(sub)
    _add_tune(sub)
    plot = sub.add_parser("plot", help="PNG figures of research runs from their Parquet event logs")
    plot.add_argument("events", type=Path, help="`demo --events` directory, or one policy's")
    plot.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="the runs' scenario")
    plot.add_argument("--out", type=Path, default=None, help="where the PNGs go (EVENTS/plots)")
    plot.set_defaults(func=_plot)
    _add_scenario(sub)

    validate = sub.add_parser("validate", help="check a scenario file and summarise it")
    validate.add_argument("scenario", type=Path)
    validate.set_defaults(func=_validate)
    return parser


def _add_live(sub: Any) -> None:
    """`run` (the live system) and `serve` (the operations-center API over its store)."""
    run = sub.add_parser(
        "run", help="run the system live on the network's clock: MQTT devices in, commands out"
    )
    run.add_argument("--broker", required=True, metavar="URL", help="mqtt://host[:port]")
    run.add_argument(
        "--db", required=True, metavar="URL", help="event store: sqlite:///path or postgresql://..."
    )
    run.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    run.add_argument(
        "--placement",
        choices=("auto", "per-asset", "sharded", "inline"),
        default=None,
        help="agent placement on Ray; 'inline' runs agents in-process without Ray",
    )
    run.add_argument(
        "--tick-seconds",
        type=float,
        default=60.0,
        help="seconds on the network's clock between the agents' time checks (silent sensors)",
    )
    run.add_argument(
        "--credentials",
        type=Path,
        default=None,
        help="credentials.json of broker-config (for a broker with the project's ACL)",
    )
    run.add_argument(
        "--ingest-workers",
        type=int,
        default=1,
        metavar="N",
        help="MQTT consumer processes, each owning a fixed part of the sites "
        "(N > 1 needs a PostgreSQL --db)",
    )
    run.set_defaults(func=_run)

    serve = sub.add_parser(
        "serve", help="serve the operations-center API and web page over an event store"
    )
    serve.add_argument(
        "--db", required=True, help="event store URL (sqlite:///path or postgresql://...)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario TOML: the network drawn before the first snapshot, what-if settings",
    )
    serve.set_defaults(func=_serve)


def _add_evaluate(sub: Any) -> None:
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
    _param_argument(ev)
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


def _add_tune(sub: Any) -> None:
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


def _plot(args: argparse.Namespace) -> int:
    from evaluation.runplots import plot_runs

    scenario = load_scenario(args.scenario)
    try:
        written = plot_runs(args.events, scenario, args.out or args.events / "plots")
    except FileNotFoundError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def _tune(args: argparse.Namespace) -> int:
    from cluster.plugins import PolicyError
    from evaluation.kpis import MissingKpiError, require_kpi
    from evaluation.space import SpaceError, load_space
    from evaluation.suite import load_suite
    from supplysync.kpi import Kpis

    try:
        seeds = {name: parse_seeds(getattr(args, name)) for name in ("seeds", "holdout_seeds")}
    except ValueError:
        print("supplysync: --seeds/--holdout-seeds: expected integers like 0,1,2", file=sys.stderr)
        return 2
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
        print(f"supplysync: {next(p for p in problems if p)}", file=sys.stderr)
        return 2
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
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
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
        print(
            f"supplysync: --seeds: expected integers like 0,1,2 or 0-9, got {args.seeds!r}",
            file=sys.stderr,
        )
        return 2
    try:
        train_seeds = parse_seeds(args.train_seeds)
    except ValueError:
        message = f"expected integers like 1000,1001, got {args.train_seeds!r}"
        print(f"supplysync: --train-seeds: {message}", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("supplysync: --workers must be at least 1", file=sys.stderr)
        return 2
    from evaluation.kpis import MissingKpiError
    from evaluation.plan import EvaluationPlan
    from evaluation.policies import policy_names
    from evaluation.suite import load_suite

    cases = load_suite(args.scenarios, days=args.days)
    try:
        policies, renamed = _with_params(
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
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2

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


def _add_scenario(sub: Any) -> None:
    """`scenario generate` and `scenario families`: seeded scenario files from named families."""
    scenario = sub.add_parser("scenario", help="generate scenario files from seeded families")
    actions = scenario.add_subparsers(required=True, metavar="ACTION")
    generate = actions.add_parser(
        "generate", help="write the scenario of a family and seed, with knobs changed by --set"
    )
    generate.add_argument("--family", required=True, help="see `supplysync scenario families`")
    generate.add_argument("--seed", type=int, required=True, help="draws network and events")
    generate.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a knob of the family (repeatable)",
    )
    generate.add_argument("--out", type=Path, required=True, help="scenario TOML to write")
    generate.set_defaults(func=_scenario_generate)
    drawn = actions.add_parser(
        "sample",
        help="write COUNT scenarios of random families and knobs (networks no one tuned on)",
    )
    drawn.add_argument("--count", type=int, required=True, help="scenarios to write")
    drawn.add_argument("--seed", type=int, required=True, help="draws families, seeds and knobs")
    drawn.add_argument(
        "--families",
        default=None,
        help="comma-separated families to draw from (default: all but large)",
    )
    drawn.add_argument("--out", type=Path, required=True, help="directory to write them to")
    drawn.set_defaults(func=_scenario_sample)
    families = actions.add_parser("families", help="list the families and their knobs")
    families.set_defaults(func=_scenario_families)


def _scenario_generate(args: argparse.Namespace) -> int:
    from adapters.simulator.families import FamilyError, KnobError, generate

    overrides: dict[str, str] = {}
    for item in args.sets:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            print(f"supplysync: --set expects KEY=VALUE, got {item!r}", file=sys.stderr)
            return 2
        overrides[key.strip()] = value.strip()
    try:
        scenario = generate(args.family, args.seed, overrides)
    except FamilyError as exc:
        print(f"supplysync: {exc.args[0]}", file=sys.stderr)
        return 2
    except KnobError as exc:
        print(f"supplysync: --set {exc}", file=sys.stderr)
        return 2
    if not _write_generated(scenario, args.family, args.seed, overrides, args.out):
        return 2
    return _validate(argparse.Namespace(scenario=args.out))


def _write_generated(
    scenario: Scenario, family: str, seed: int, overrides: Mapping[str, str], out: Path
) -> bool:
    """Write `scenario` to `out` under a header with the command that regenerates it."""
    from adapters.simulator.families import to_toml

    command = ["supplysync", "scenario", "generate", "--family", family, "--seed", str(seed)]
    for key, value in overrides.items():
        command += ["--set", f"{key}={value}"]
    command += ["--out", str(out)]
    header = [
        f"Generated: family {family}, seed {seed}. Do not edit; regenerate with:",
        f"  {shlex.join(command)}",
    ]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_toml(scenario, header), encoding="utf-8")
    except OSError as exc:
        print(f"supplysync: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def _scenario_sample(args: argparse.Namespace) -> int:
    from adapters.simulator.families import FamilyError, generate, sample

    if args.count < 1:
        print(f"supplysync: --count: expected at least 1, got {args.count}", file=sys.stderr)
        return 2
    families = [f.strip() for f in args.families.split(",")] if args.families else None
    try:
        draws = sample(args.count, args.seed, families)
    except FamilyError as exc:
        print(f"supplysync: --families: {exc.args[0]}", file=sys.stderr)
        return 2
    for i, draw in enumerate(draws):
        out = args.out / f"sample-{args.seed}-{i:03d}.toml"
        scenario = generate(draw.family, draw.seed, draw.overrides)
        if not _write_generated(scenario, draw.family, draw.seed, draw.overrides, out):
            return 2
        sets = " ".join(f"{k}={v}" for k, v in draw.overrides.items())
        print(f"{out}  {draw.family} seed {draw.seed}  {sets}")
    return 0


def _scenario_families(args: argparse.Namespace) -> int:
    from adapters.simulator.families import FAMILIES, format_value, knob_table

    width = max(len(name) for name in FAMILIES) + 2
    print(
        "FAMILY".ljust(width) + "DESCRIPTION, THEN THE KNOBS IT SETS (THE REST KEEP THEIR DEFAULT)"
    )
    for name, family in FAMILIES.items():
        print(f"{name:<{width}}{family.summary}")
        sets = " ".join(f"{k}={format_value(v)}" for k, v in family.knobs.items())
        for line in textwrap.wrap(
            sets, 100 - width, break_long_words=False, break_on_hyphens=False
        ):
            print(" " * width + line)
    rows = [(k.name, k.type, k.range, k.default, k.description) for k in knob_table()]
    heads = ("KNOB", "TYPE", "RANGE", "DEFAULT", "MEANING")
    widths = [max(len(r[i]) for r in (heads, *rows)) + 2 for i in range(4)]
    print()
    for row in (heads, *rows):
        print("".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + row[4])
    return 0


def _run(args: argparse.Namespace) -> int:
    from cluster.live.command import main as run_live

    return run_live(args)


def _serve(args: argparse.Namespace) -> int:
    from api.serve import main as serve_api

    return serve_api(args)


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    net = scenario.network
    print(
        f"{args.scenario}: scenario {scenario.name!r} is valid: {len(net.suppliers)} suppliers, "
        f"{len(net.plants)} plants, {len(net.machines)} machines, {len(net.warehouses)} "
        f"warehouses, {len(net.customers)} customers, {len(net.vehicles)} vehicles, "
        f"{len(net.products)} products, {scenario.simulation.days} days, "
        f"{len(scenario.disruptions)} disruptions"
    )
    return 0


def _demo(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.days is not None:
        scenario = _shorten(scenario, args.days)
    from cluster.plugins import PolicyError, load_policy

    try:
        policies, _ = _with_params(split_specs(args.policies), args)
        for name in policies:
            load_policy(name)
    except PolicyError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2

    from adapters.store import StoreError
    from cluster.demo import run_demo

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = run_demo(
            scenario,
            policies,
            placement=args.placement,
            progress=progress,
            db_url=args.db,
            events=args.events,
        )
    except StoreError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result))
    return 0


def _bench_vrp(args: argparse.Namespace) -> int:
    if args.time_limit <= 0:
        print("supplysync: --time-limit must be positive", file=sys.stderr)
        return 2
    from benchmarks.vrp import report
    from optimizer.vrp import InstanceFormatError

    try:
        return report(args.files, time_limit_s=args.time_limit, as_json=args.json)
    except (InstanceFormatError, FileNotFoundError) as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2


def _bench_replan(args: argparse.Namespace) -> int:
    if args.events < 1 or args.time_limit <= 0 or not 0 <= args.gap <= 1:
        message = "expected --events >= 1, --time-limit > 0 and 0 <= --gap <= 1"
        print(f"supplysync: {message}", file=sys.stderr)
        return 2
    from benchmarks.replan import report

    return report(
        args.size or ["S"],
        events=args.events,
        time_limit_s=args.time_limit,
        mip_gap=args.gap,
        as_json=args.json,
    )


def _broker_config(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    from adapters.devices import DeviceError
    from adapters.devices.broker_config import write_broker_config

    try:
        creds = write_broker_config(scenario.network, args.out)
    except (DeviceError, OSError) as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: passwd and credentials.json for {len(creds.users)} MQTT users")
    return 0


def _devices(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    from pydantic import ValidationError

    from adapters.devices import (
        BrokerAddress,
        Credentials,
        CredentialsError,
        DeviceError,
        FleetSettings,
    )
    from adapters.devices.run import run_fleet

    try:
        broker = BrokerAddress.parse(args.broker)
        settings = FleetSettings(speed=args.speed, telemetry_qos=args.telemetry_qos)
        creds = None if args.credentials is None else Credentials.load(args.credentials)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]).replace("_", "-")
        print(f"supplysync: --{field}: {error['msg']}", file=sys.stderr)
        return 2
    except (ValueError, DeviceError) as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    try:
        return run_fleet(scenario, broker=broker, credentials=creds, settings=settings)
    except CredentialsError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    except DeviceError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 1


def _bench_ingest(args: argparse.Namespace) -> int:
    try:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        rates = [-1.0]
    if not 1 <= args.batch <= 10_000 or args.readings < args.batch or min(rates, default=1) <= 0:
        message = "expected 1 <= --batch <= 10000, --readings >= --batch and positive --rates"
        print(f"supplysync: {message}", file=sys.stderr)
        return 2
    if args.consumers is not None:
        return _bench_partitioned(args)
    from benchmarks.ingest import report

    return report(
        broker=args.broker,
        readings=args.readings,
        batch=args.batch,
        rates=rates,
        as_json=args.json,
    )


def _bench_partitioned(args: argparse.Namespace) -> int:
    try:
        consumers = [int(n) for n in args.consumers.split(",") if n.strip()]
        offered = [float(r) for r in args.offered.split(",") if r.strip()]
    except ValueError:
        consumers, offered = [], []
    if not consumers or min(consumers) < 1 or not offered or min(offered) <= 0:
        message = "expected --consumers like 1,2,4 and positive --offered rates"
        print(f"supplysync: {message}", file=sys.stderr)
        return 2
    if args.store is None or not args.store.startswith(("postgresql://", "postgres://")):
        message = "expected --store postgresql://... with --consumers (SQLite takes one writer)"
        print(f"supplysync: {message}", file=sys.stderr)
        return 2
    from benchmarks.ingest_partitioned import report

    return report(
        broker=args.broker,
        database=args.store,
        consumers=consumers,
        rates=offered,
        readings=args.readings,
        batch=args.batch,
        as_json=args.json,
    )


def _param_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter of the policies named that are not built in (repeatable); "
        "the same as NAME[KEY=VALUE] on each",
    )
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        metavar="FILE",
        help="parameters from TOML (its [params] table, as tune's best.toml, or its keys); "
        "--param overrides them",
    )


def _with_params(specs: list[str], args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """`specs` with `--params` then `--param` items added to each that is not built in,
    and the renames.

    Raises `cluster.plugins.PolicyError` for a bad file, or parameters with
    no policy to take them.
    """
    from cluster.builtin import BUILT_IN
    from cluster.plugins import PolicyError, params_file, parse_spec, with_params
    from evaluation.policies import TUNED

    params = [*(params_file(args.params) if args.params else []), *args.param]
    if not params:
        return specs, {}
    takers = [s for s in specs if parse_spec(s)[0] not in {*BUILT_IN, TUNED}]
    if not takers:
        raise PolicyError("--param: none of the policies named takes parameters")
    renamed = {s: with_params(s, params) for s in takers}
    return [renamed.get(s, s) for s in specs], renamed


def _shorten(scenario: Scenario, days: int) -> Scenario:
    if not 1 <= days <= scenario.simulation.days:
        raise ScenarioError(f"--days must be between 1 and {scenario.simulation.days}")
    simulation = scenario.simulation.model_copy(update={"days": days})
    return scenario.model_copy(update={"simulation": simulation})


_ROWS = (
    ("fill_rate", "fill rate", "{:.1%}"),
    ("on_time_rate", "on-time delivery", "{:.1%}"),
    ("inventory_carrying_cost", "inventory carrying cost", "{:,.0f}"),
    ("unplanned_downtime_hours", "unplanned downtime (h)", "{:.1f}"),
    ("planned_maintenance_hours", "planned maintenance (h)", "{:.1f}"),
    ("cold_chain_breaches", "cold-chain breaches", "{:d}"),
    ("spoiled_units", "spoiled units", "{:,.0f}"),
    ("refused_units", "receipts refused (full)", "{:,.0f}"),
    ("total_cost", "total cost", "{:,.0f}"),
    ("purchase_cost", "  purchases", "{:,.0f}"),
    ("production_cost", "  production", "{:,.0f}"),
    ("setup_cost", "  setups", "{:,.0f}"),
    ("maintenance_cost", "  maintenance", "{:,.0f}"),
    ("holding_cost", "  holding", "{:,.0f}"),
    ("transport_cost", "  transport", "{:,.0f}"),
    ("shortage_cost", "  shortages", "{:,.0f}"),
    ("lateness_cost", "  lateness", "{:,.0f}"),
    ("spoilage_cost", "  spoilage", "{:,.0f}"),
    ("refused_cost", "  refused receipts", "{:,.0f}"),
    ("downtime_cost", "  downtime", "{:,.0f}"),
    ("inventory_change", "  stock start - end", "{:,.0f}"),
    ("replans", "plans made", "{:d}"),
    ("replan_latency_p50_ms", "plan latency p50 (ms)", "{:,.0f}"),
    ("replan_latency_max_ms", "plan latency max (ms)", "{:,.0f}"),
)


def format_table(result: dict[str, object]) -> str:
    """The KPI table, one column per policy."""
    policies = result["policies"]
    assert isinstance(policies, dict)
    names = list(policies)
    width = max(len(label) for _, label, _ in _ROWS) + 2
    cols = [max(16, len(n) + 2) for n in names]
    lines = [f"{'KPI':<{width}}" + "".join(f"{n:>{w}}" for n, w in zip(names, cols, strict=True))]
    lines.append("-" * len(lines[0]))
    for key, label, fmt in _ROWS:
        cells = [fmt.format(policies[n][key]) for n in names]
        lines.append(
            f"{label:<{width}}" + "".join(f"{c:>{w}}" for c, w in zip(cells, cols, strict=True))
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
