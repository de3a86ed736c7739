"""Scenario files: `scenario generate|sample|families` (from seeded families) and `validate`."""

from __future__ import annotations

import argparse
import shlex
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

from console.options import Commands, refuse
from supplysync.scenario import Scenario, load_scenario


def add_scenario(sub: Commands) -> None:
    """`scenario generate`, `sample` and `families`: seeded scenario files from named families."""
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
            return refuse(f"--set expects KEY=VALUE, got {item!r}")
        overrides[key.strip()] = value.strip()
    try:
        scenario = generate(args.family, args.seed, overrides)
    except FamilyError as exc:
        return refuse(exc.args[0])
    except KnobError as exc:
        return refuse(f"--set {exc}")
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
        return refuse(f"--count: expected at least 1, got {args.count}")
    families = [f.strip() for f in args.families.split(",")] if args.families else None
    try:
        draws = sample(args.count, args.seed, families)
    except FamilyError as exc:
        return refuse(f"--families: {exc.args[0]}")
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


def add_validate(sub: Commands) -> None:
    validate = sub.add_parser("validate", help="check a scenario file and summarise it")
    validate.add_argument("scenario", type=Path)
    validate.set_defaults(func=_validate)
