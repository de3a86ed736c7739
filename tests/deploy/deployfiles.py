"""Reading the deployment files under `deploy/` the way their runtimes would.

The files start `supplysync` in three ways: as an argument list after the
image's entrypoint (compose `command`, Kubernetes `args`, the Dockerfile's
`CMD`), and inside shell text (the Ray launcher's commands, the KubeRay head's
script). `invocations_in_shell` finds the commands a shell would run, so a
flag is judged where it stands, and `cli_error` asks the CLI's own parser.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from console.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
RAY_CLUSTER = DEPLOY / "ray" / "cluster.yaml"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"
IMAGE = "supplysync:0.1.0"

_SEPARATORS = {";", "&", "&&", "|", "||", "(", ")"}
_WRAPPERS = {"env", "exec", "nohup"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def documents(path: Path) -> list[Any]:
    """Every YAML document of `path` (a manifest may hold several)."""
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def invocations_in_shell(script: str) -> list[list[str]]:
    """The argument lists (after `supplysync`) of every `supplysync` command in `script`.

    A command starts a line, follows `;`, `&&`, `|` and the like, or follows
    `--` (`ray job submit -- CMD`); `VAR=value` prefixes and `env`/`exec`
    are skipped, as a shell would. Quoted text stays one word, so a flag
    inside a quoted string is not mistaken for one of the command.
    """
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        for start in _command_starts(words):
            rest = words[start:]
            while rest and (rest[0] in _WRAPPERS or _ASSIGNMENT.match(rest[0])):
                rest = rest[1:]
            if rest and Path(rest[0]).name == "supplysync":
                end = next((i for i, w in enumerate(rest) if w in _SEPARATORS), len(rest))
                found.append(rest[1:end])
    return found


def _command_starts(words: list[str]) -> Iterator[int]:
    yield 0
    for i, word in enumerate(words):
        if word in _SEPARATORS or word == "--":
            yield i + 1


def cli_error(argv: list[str]) -> str | None:
    """argparse's complaint about `supplysync ARGV` (unknown flag, bad value...), or None.

    Flags must be spelt in full: argparse takes an unambiguous prefix
    (`--scenari`), which a flag added later can make ambiguous.
    """
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            _unabbreviated(build_parser()).parse_args(argv)
    except SystemExit as exc:
        return stderr.getvalue().strip() or f"exit {exc.code}"
    return None


def _unabbreviated(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.allow_abbrev = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _unabbreviated(sub)
    return parser


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if word
    ]


def pod_templates(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The pod templates of a Deployment, or of a RayCluster's head and worker groups."""
    spec = manifest.get("spec", {})
    if manifest["kind"] == "RayCluster":
        groups = [spec["headGroupSpec"], *spec["workerGroupSpecs"]]
        return [group["template"] for group in groups]
    return [spec["template"]] if "template" in spec else []


def containers(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The containers of every pod template of `manifest`."""
    return [c for t in pod_templates(manifest) for c in t["spec"]["containers"]]


def k8s_manifests() -> list[dict[str, Any]]:
    """Every object of the kustomization's own files and the Secret example."""
    return [doc for path in sorted(K8S.glob("*.yaml")) for doc in documents(path)]
