"""Only the solver session talks to HiGHS, checked on the source beside the package arrows.

`optimizer/session/` owns the persistent solver, its column map and the LP
bases (`optimizer.session.Session`). Everywhere else (every package of ours,
the examples and the tests) no module imports `highspy`, `pyomo.contrib`
or a private (underscored) Pyomo name, and none reaches an attribute
private to the session's solver (Pyomo's persistent HiGHS interface and
the session's bulk subclass of it: `_solver_model`,
`_pyomo_var_to_solver_var_map`, ...; less the names our own classes use
for theirs) on anything but `self`, by name or through `getattr`. Allowed
through, each for its reason:

- `benchmarks/direct.py` builds the planning model straight into highspy:
  talking to HiGHS directly is what it measures. It may import highspy,
  and nothing else on this list.
- `tests/optimizer/session/`: the session's own tests check its loading and
  bases from inside.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from optimizer.session.bulk import BulkHighs
from tests.conftest import ROOT
from tests.test_layering import OURS

SESSION = ROOT / "optimizer" / "session"
TREES = sorted(OURS | {"tests", "examples"})
ALLOWED_IMPORTS = {ROOT / "benchmarks" / "direct.py": {"highspy"}}
INSIDE = [SESSION, ROOT / "tests" / "optimizer" / "session"]
SOLVER_MODULES = ("highspy", "pyomo.contrib")


def _sources() -> Iterator[Path]:
    for tree in TREES:
        for path in (ROOT / tree).rglob("*.py"):
            if not any(path.is_relative_to(inside) for inside in INSIDE):
                yield path


def _private_attributes() -> set[str]:
    """Underscored, non-dunder attributes of the session's solver (its class's and its own).

    Less the names our own classes give their attributes (`self._model =`):
    `planner._model` in a test is the planner's, not the solver's.
    """
    names = {n for n in dir(BulkHighs) if n.startswith("_") and not n.startswith("__")}
    names |= {n for n in vars(BulkHighs()) if n.startswith("_")}
    ours = {
        target.attr
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
    }
    return names - ours


PRIVATE = _private_attributes()


def _offences(path: Path) -> set[str]:
    """What in `path` only the session may do, each said as it is written."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if _solver_module(a.name))
            found.update(a.name for a in node.names if _private_pyomo(a.name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _solver_module(node.module) or _private_pyomo(node.module):
                found.add(node.module)
            elif node.module.split(".")[0] == "pyomo":
                found.update(f"{node.module}.{a.name}" for a in node.names if a.name[0] == "_")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            if not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                found.add(f".{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in PRIVATE
        ):
            found.add(f"{node.func.id}(..., {node.args[1].value!r})")
    return found - ALLOWED_IMPORTS.get(path, set())


def _solver_module(name: str) -> bool:
    return any(name == m or name.startswith(f"{m}.") for m in SOLVER_MODULES)


def _private_pyomo(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "pyomo" and any(p.startswith("_") for p in parts)


def test_only_the_solver_session_touches_highs_or_pyomos_solver_internals() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(found) for p in _sources() if (found := _offences(p))
    }
    assert offenders == {}


def test_the_check_sees_what_it_forbids(tmp_path: Path) -> None:
    """Each kind of reach, written as the optimizer used to write it, is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import highspy\n"
        "from pyomo.contrib.solver.solvers.highs import Highs\n"
        "from pyomo.contrib.solver.solvers.highs import _MutableConstraintBounds\n"
        "from pyomo.core.base import _private\n"
        "def f(solver):\n"
        "    solver._solver_model.run()\n"
        "    return solver._pyomo_var_to_solver_var_map, getattr(solver, '_solver_model', None)\n",
        encoding="utf-8",
    )
    assert _offences(bad) == {
        "highspy",
        "pyomo.contrib.solver.solvers.highs",
        "pyomo.core.base._private",
        "._solver_model",
        "._pyomo_var_to_solver_var_map",
        "getattr(..., '_solver_model')",
    }
    # the allowance is highspy in the direct reference, nothing more
    assert "highspy" in ALLOWED_IMPORTS[ROOT / "benchmarks" / "direct.py"]
    assert {"_solver_model", "_pyomo_var_to_solver_var_map", "_vars"} <= PRIVATE
