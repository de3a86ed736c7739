"""What more than one command shares: the policies' parameters and the refusal of bad input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeAlias

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The subparsers a command group adds its commands to."""


def refuse(message: object) -> int:
    """Say what is wrong with the input on stderr; the exit code of bad input, 2."""
    print(f"supplysync: {message}", file=sys.stderr)
    return 2


def param_argument(parser: argparse.ArgumentParser) -> None:
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


def with_params(specs: list[str], args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """`specs` with `--params` then `--param` items added to each that is not built in,
    and the renames.

    Raises `policies.plugins.PolicyError` for a bad file, or parameters with
    no policy to take them.
    """
    from evaluation.policies import TUNED
    from policies.builtin import BUILT_IN
    from policies.plugins import PolicyError, params_file, parse_spec
    from policies.plugins import with_params as add_params

    params = [*(params_file(args.params) if args.params else []), *args.param]
    if not params:
        return specs, {}
    takers = [s for s in specs if parse_spec(s)[0] not in {*BUILT_IN, TUNED}]
    if not takers:
        raise PolicyError("--param: none of the policies named takes parameters")
    renamed = {s: add_params(s, params) for s in takers}
    return [renamed.get(s, s) for s in specs], renamed
