"""The `supplysync` command line.

This is the composition root, at the top of the package picture: the table
below lists the command groups, each a module of `console/` that adds its
commands to the parser and imports the packages a command needs inside
that command, so `supplysync validate` stays fast.

Exit codes: 0 success, 1 a run failed, 2 bad input (a scenario file that
does not validate, with the file and the field in the message).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from console import bench, demo, evaluate, live, scenario
from console.options import Commands, refuse
from supplysync.scenario import ScenarioError

COMMANDS: tuple[Callable[[Commands], None], ...] = (
    demo.add_demo,
    bench.add_bench,
    live.add_broker_config,
    live.add_devices,
    live.add_live,
    evaluate.add_evaluate,
    evaluate.add_tune,
    demo.add_plot,
    scenario.add_scenario,
    scenario.add_validate,
)
"""Each adds its commands, in the order `supplysync --help` lists them."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ScenarioError as exc:
        return refuse(exc)


def build_parser() -> argparse.ArgumentParser:
    """Every command's parser; a command's `func` default is what runs it."""
    parser = argparse.ArgumentParser(prog="supplysync", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser
