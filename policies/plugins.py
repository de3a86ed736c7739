"""Policies by name: the built-in ones, a researcher's class, an installed entry point.

A policy spec is a name with optional parameters in brackets:

- ``package.module:Class``: a class implementing
  `supplysync.policy.PlanningPolicy`, importable from where the command
  runs (installed, or on ``PYTHONPATH``: evaluation workers import it too);
- ``name``: an entry point of that name in the group
  `supplysync.policy.ENTRY_POINT_GROUP`, where the built-in policies
  (``milp``, ``static``, ``reorder_point``, ``hindsight``: `policies.builtin`)
  are registered too;
- ``spec[key=value,key=value]``: the same with parameters, validated by the
  class's ``Params`` model. The whole spec is the policy's name in tables
  and run keys, so two parameter sets of one class compare side by side.

Every way a spec can be wrong raises `PolicyError` naming what is wrong,
which the command line turns into exit status 2.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import site
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from policies.policy import Policy
from replan import Planner
from supplysync.events import AlertKind
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.policy import ENTRY_POINT_GROUP, PlanningPolicy
from supplysync.scenario import PlanningSettings, Scenario

_SPEC = re.compile(r"^(?P<target>[^\[\]]+?)(?:\[(?P<params>[^\[\]]*)\])?$")


class PolicyError(ValueError):
    """A policy spec that names nothing loadable, or parameters its policy refuses."""


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """Split ``target[key=value,...]`` into the target and its parameters as text."""
    m = _SPEC.match(spec.strip())
    if m is None:
        raise PolicyError(f"policy {spec!r}: expected NAME or NAME[key=value,...]")
    params: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in (m["params"] or "").split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PolicyError(f"policy {spec!r}: parameter {item!r} is not key=value")
        if key.strip() in params:
            raise PolicyError(f"policy {spec!r}: parameter {key.strip()!r} given twice")
        params[key.strip()] = value.strip()
    return m["target"].strip(), params


def with_params(spec: str, extra: Sequence[str]) -> str:
    """`spec` with ``key=value`` items added to its brackets (`--param` on the command line)."""
    if not extra:
        return spec
    target, params = parse_spec(spec)
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PolicyError(f"--param {item!r}: expected key=value")
        params[key.strip()] = value.strip()
    return f"{target}[{','.join(f'{k}={v}' for k, v in params.items())}]"


def params_file(path: Path) -> list[str]:
    """``key=value`` items from a TOML file: its ``[params]`` table (as `supplysync tune`
    writes in ``best.toml``), else its top-level keys; each value a string, number or boolean."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"--params {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"--params {path}: not TOML: {exc}") from exc
    table = data.get("params", data)
    if not isinstance(table, dict):
        raise PolicyError(f"--params {path}: params: expected a table")
    items = []
    for key, value in table.items():
        if isinstance(value, dict | list) or value is None:
            raise PolicyError(f"--params {path}: {key}: expected a string, number or boolean")
        text = str(value).lower() if isinstance(value, bool) else str(value)
        items.append(f"{key}={text}")
    return items


def load_policy(spec: str) -> Policy:
    """The policy `spec` names, its parameters validated (`PolicyError` otherwise)."""
    spec = spec.strip()
    target, params = parse_spec(spec)
    cls = _find(target)
    policy_params = _params(spec, cls, params)
    policy = Policy(
        name=spec,
        make_planner=lambda: _adapt(spec, _make(spec, cls, policy_params)),
        replans=bool(getattr(cls, "replans", True)),
        whole_run=bool(getattr(cls, "whole_run", False)),
        trigger_kinds=_kinds(spec, getattr(cls, "trigger_kinds", None)),
    )
    bind = getattr(cls, "for_run", None)
    if bind is None:
        _make(spec, cls, policy_params)  # made once now, so a bad spec fails before any run
        return policy

    def bound(scenario: Scenario) -> Policy:
        return replace(
            policy,
            make_planner=lambda: _adapt(spec, _made(spec, bind(scenario, policy_params))),
            for_run=None,
        )

    return replace(policy, make_planner=_research_only(spec), for_run=bound)


def _research_only(spec: str) -> Callable[[], Planner]:
    def refuse() -> Planner:
        raise RuntimeError(
            f"policy {spec!r} plans with what a simulated run will do: only research mode "
            "(runtime.research.run_policy) can bind it to its run"
        )

    return refuse


def _kinds(spec: str, kinds: Any) -> frozenset[AlertKind] | None:
    if kinds is None:
        return None
    known = {k.value for k in AlertKind}
    unknown = sorted(str(k) for k in kinds if str(k) not in known)
    if unknown:
        raise PolicyError(
            f"policy {spec!r}: trigger_kinds names {unknown[0]!r}, not an alert kind "
            f"(known: {', '.join(sorted(known))})"
        )
    return frozenset(AlertKind(str(k)) for k in kinds)


def _find(target: str) -> Any:
    if ":" in target:
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise PolicyError(
                f"policy {target!r}: cannot import {module_name!r} ({exc}); "
                "is it installed or on PYTHONPATH?"
            ) from exc
        obj = module
        for part in attr.split("."):
            if not hasattr(obj, part):
                raise PolicyError(f"policy {target!r}: {module_name!r} has no {attr!r}")
            obj = getattr(obj, part)
        return obj
    found = entry_points(group=ENTRY_POINT_GROUP, name=target)
    if not found:
        known = ", ".join(sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)))
        raise PolicyError(
            f"unknown policy {target!r}: not package.module:Class and no entry point of "
            f"that name in {ENTRY_POINT_GROUP!r} (installed: {known or 'none'})"
        )
    return next(iter(found)).load()


def _params(spec: str, cls: Any, params: Mapping[str, str]) -> BaseModel | None:
    model = getattr(cls, "Params", None)
    if model is None:
        if params:
            raise PolicyError(f"policy {spec!r} declares no Params and takes no parameters")
        return None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise PolicyError(f"policy {spec!r}: Params must be a pydantic model")
    unknown = sorted(set(params) - set(model.model_fields))
    if unknown:
        raise PolicyError(
            f"policy {spec!r}: unknown parameter {unknown[0]!r} "
            f"(known: {', '.join(model.model_fields) or 'none'})"
        )
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"policy {spec!r}: parameter {field!r}: {first['msg']}") from exc


def _make(spec: str, cls: Any, params: BaseModel | None) -> PlanningPolicy:
    try:
        made = cls(params) if params is not None else cls()
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"policy {spec!r}: cannot make one ({exc})") from exc
    return _made(spec, made)


def _made(spec: str, made: Any) -> PlanningPolicy:
    if not isinstance(made, PlanningPolicy):
        raise PolicyError(f"policy {spec!r}: has no plan(snapshot, settings, ...) method")
    return made


def _adapt(spec: str, policy: PlanningPolicy) -> Planner:
    def planner(
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        plan = policy.plan(
            snapshot, settings, plan_id=plan_id, causes=tuple(causes), previous=previous
        )
        if not isinstance(plan, Plan):
            raise TypeError(f"policy {spec!r} returned {type(plan).__name__}, not a Plan")
        if plan.plan_id != plan_id or plan.window.start != snapshot.window.start:
            raise ValueError(
                f"policy {spec!r} returned plan {plan.plan_id!r} starting "
                f"{plan.window.start:%Y-%m-%d %H:%M}; expected {plan_id!r} starting "
                f"{snapshot.window.start:%Y-%m-%d %H:%M}"
            )
        return plan

    return planner


def source_dir(specs: Iterable[str]) -> Path | None:
    """The one directory the ``module:Class`` policies among `specs` are imported from.

    Evaluation workers import policies themselves; a policy installed in
    the environment is there already, but one found on ``PYTHONPATH`` or in
    the working directory must be shipped (`cluster.evaluate` gives this
    directory to Ray as the tasks' ``working_dir``, which also reaches the
    nodes of a remote cluster). None when nothing needs shipping; a
    `PolicyError` when the policies come from more than one such directory.
    """
    installed = [Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())]
    installed.append(Path(sys.prefix).resolve())
    ours = Path(__file__).resolve().parents[1]
    dirs: set[Path] = set()
    for spec in specs:
        target, _ = parse_spec(spec)
        if ":" not in target:
            continue
        top = target.partition(":")[0].split(".")[0]
        found = importlib.util.find_spec(top)
        if found is None or found.origin is None:
            continue
        origin = Path(found.origin).resolve()
        home = origin.parent.parent if found.submodule_search_locations else origin.parent
        if home == ours or any(home.is_relative_to(root) for root in installed):
            continue
        dirs.add(home)
    if len(dirs) > 1:
        raise PolicyError(
            "policies are imported from several directories "
            f"({', '.join(sorted(map(str, dirs)))}): put them in one, or install them"
        )
    return dirs.pop() if dirs else None
