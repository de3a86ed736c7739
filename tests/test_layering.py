"""The package arrows of docs/architecture.md, checked on the source.

`agents/` and `optimizer/` are plain Python: no Ray, MQTT, web framework or
database driver, and no reaching sideways into each other or up into
`cluster/`. `supplysync/` imports nothing of ours except the CLI, which
imports `cluster` lazily inside the command that needs it. `evaluation/`
is plain Python too: of `cluster/` it uses only the in-process research
runner, the inline directory, the policy table and loader, and the plain
coordinator (the Gymnasium environment steps it), never Ray itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

IO_STACKS = {
    "ray",
    "aiomqtt",
    "paho",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "sqlalchemy",
    "psycopg",
    "psycopg2",
    "asyncpg",
    "sqlite3",
}
OURS = {"supplysync", "agents", "optimizer", "adapters", "cluster", "api", "evaluation"}

# package -> what it may import of ours
ALLOWED = {
    "supplysync": {"supplysync"},
    "agents": {"supplysync", "agents"},
    "optimizer": {"supplysync", "optimizer"},
    "adapters": {"supplysync", "adapters"},
    "evaluation": {"supplysync", "agents", "optimizer", "adapters", "cluster", "evaluation"},
}
EVALUATION_USES_OF_CLUSTER = {
    "cluster.research",
    "cluster.directory",
    "cluster.policies",
    "cluster.plugins",
    "cluster.builtin",
    "cluster.coordinator",
}


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["agents", "optimizer", "supplysync", "evaluation"])
def test_pure_packages_import_no_io_stack(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path, top_level_only=False) & IO_STACKS)
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package: str) -> None:
    # The CLI is the composition root: its lazy, in-function imports are allowed.
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            (_imports(path, top_level_only=path.name == "cli.py") & OURS) - ALLOWED[package]
        )
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_evaluation_uses_only_clusters_in_process_parts() -> None:
    used: dict[str, set[str]] = {}
    for path in (ROOT / "evaluation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cluster"):
                used.setdefault(str(node.module), set()).add(path.name)
    assert set(used) <= EVALUATION_USES_OF_CLUSTER, used


def test_only_research_mode_binds_a_policy_to_its_run() -> None:
    # The hindsight policy's oracle knows what a simulated run will do; it is
    # handed over by `Policy.for_run`, which only `run_policy` may call, so
    # live mode (which has no simulated run) can never plan with it.
    callers = set()
    for package in sorted(OURS):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "for_run"
                ):
                    callers.add(str(path.relative_to(ROOT)))
    assert callers == {"cluster/research.py"}
