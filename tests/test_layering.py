"""The package arrows of docs/architecture.md, checked on the source.

`agents/` and `optimizer/` are plain Python: no Ray, MQTT, web framework or
database driver, and no reaching sideways into each other or up into
`cluster/`. `supplysync/` imports nothing of ours. `replan/`, the one
replanning turn research and live mode both run (with operator overrides,
what-if plans and the order intake), is plain Python over `optimizer/` (no
Ray, no asyncio, nothing of `cluster/`). `policies/`, how plans are made
(the policy record, the built-in policies, policies by spec, the zoned
MILP, the hindsight bound), is plain Python over `optimizer/`, `replan/`
and the simulator's oracle, nothing of `cluster/`. `runtime/`, agents and
the replanning loop in one process (the directory and its hosts, the
coordinator, the research runner), is plain Python over `replan/`,
`policies/`, `agents/` and `adapters/`: no Ray and nothing of `cluster/`.
`evaluation/` is plain Python too, over `runtime/` (its runs go in-process),
and imports nothing of `cluster/`, which submits its runs as Ray tasks; so
the two meet in one direction only. `reads/`, what the operations center
reads, is plain Python over the store's protocol and the agents (a
machine's health replayed). `api/` stands on `reads/`, `replan/` and
`adapters/` and keeps to HTTP: nothing of `cluster/`, and it reaches the
database only through the store's protocols, with no driver and no SQL of
its own. `benchmarks/` may measure anything but the CLI. Only `cluster/`
imports Ray. `console/`, the CLI, is the composition root at the top: it
may import every package, and none imports it. Every import counts, in a
function or not."""

from __future__ import annotations

import ast
import graphlib
import re
import tomllib
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
DB_DRIVERS = {"sqlalchemy", "psycopg", "psycopg2", "asyncpg", "sqlite3"}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT INTO|UPDATE\s\w+\sSET|DELETE FROM|CREATE TABLE)\b")
OURS = {
    "supplysync",
    "agents",
    "optimizer",
    "adapters",
    "replan",
    "policies",
    "runtime",
    "cluster",
    "evaluation",
    "api",
    "reads",
    "benchmarks",
    "console",
}
LOWER = {"supplysync", "agents", "optimizer", "adapters"}

# package -> what it may import of ours
ALLOWED = {
    "supplysync": {"supplysync"},
    "agents": {"supplysync", "agents"},
    "optimizer": {"supplysync", "optimizer"},
    "adapters": {"supplysync", "adapters"},
    "replan": {"supplysync", "optimizer", "replan"},
    "policies": {"supplysync", "optimizer", "adapters", "replan", "policies"},
    "runtime": {*LOWER, "replan", "policies", "runtime"},
    "cluster": {*LOWER, "replan", "policies", "runtime", "evaluation", "cluster"},
    "evaluation": {*LOWER, "replan", "policies", "runtime", "evaluation"},
    "reads": {"supplysync", "agents", "adapters", "reads"},
    "api": {"supplysync", "adapters", "reads", "replan", "api"},
    "benchmarks": OURS - {"console"},
    "console": OURS,
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "package",
    ["agents", "optimizer", "supplysync", "replan", "policies", "runtime", "evaluation", "reads"],
)
def test_pure_packages_import_no_io_stack(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & IO_STACKS)
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_cluster_imports_ray() -> None:
    # Everything that runs on Ray is in `cluster/`; the logic it runs (the
    # turn, the policies, what-if, the reads) is importable without it.
    offenders = {
        str(path.relative_to(ROOT))
        for package in sorted(OURS - {"cluster"})
        for path in (ROOT / package).rglob("*.py")
        if "ray" in _imports(path)
    }
    assert offenders == set()


def test_the_turn_runs_on_no_event_loop_and_no_thread() -> None:
    # Research mode calls it synchronously, live mode on its planner thread:
    # the turn itself neither awaits nor starts anything.
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & {"asyncio", "threading"})
        for path in (ROOT / "replan").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_api_has_no_database_driver_and_no_sql() -> None:
    drivers, sql = {}, {}
    for path in (ROOT / "api").rglob("*.py"):
        name = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        drivers[name] = sorted(_imports(path) & DB_DRIVERS)
        sql[name] = [
            node.value[:60]
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ]
    assert {k: v for k, v in drivers.items() if v} == {}
    assert {k: v for k, v in sql.items() if v} == {}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted((_imports(path) & OURS) - ALLOWED[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_arrow_runs_back_up() -> None:
    # Two packages that may import each other (or a longer loop) would be a
    # cycle in the picture; `prepare` raises `CycleError` on one.
    arrows = {package: ALLOWED[package] - {package} for package in ALLOWED}
    graphlib.TopologicalSorter(arrows).prepare()


def test_every_package_of_ours_has_its_arrows() -> None:
    top_level = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert top_level == set(ALLOWED) == OURS


def test_the_cli_is_installed_and_the_benchmarks_are_not() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    installed = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert installed == OURS - {"benchmarks"}
    assert pyproject["project"]["scripts"] == {"supplysync": "console.main:main"}


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
    assert callers == {"runtime/research.py"}
