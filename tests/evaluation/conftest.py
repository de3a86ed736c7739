"""Fixtures for the evaluation tests: tiny scenario files and synthetic run records.

`tiny_scenario_files` writes the demo scenario cut to one day under new
names (the text is edited, not re-serialised, so the files are real
scenario files with real hashes). `record` builds a run record by hand,
with only the KPIs a test names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from evaluation.runs import RunSpec
from evaluation.suite import ScenarioCase
from tests.conftest import DEMO_SCENARIO

KPI = "inventory_carrying_cost"
"""The objective the tests use: a KPI every build measures."""


def tiny_scenario_text(name: str, *, days: int = 1, seed: int = 7) -> str:
    """The demo scenario's text renamed to `name`, `days` long, with `seed`."""
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    text = re.sub(r'^name = "demo"$', f'name = "{name}"', text, count=1, flags=re.M)
    text = re.sub(r"^days = 7$", f"days = {days}", text, count=1, flags=re.M)
    return re.sub(r"^seed = 7$", f"seed = {seed}", text, count=1, flags=re.M)


@pytest.fixture
def tiny_scenario_files(tmp_path: Path) -> list[Path]:
    """Two one-day scenarios (`tiny-1`, `tiny-2`: the same network, another seed) in a dir."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    paths = []
    for i in (1, 2):
        path = folder / f"tiny{i}.toml"
        path.write_text(tiny_scenario_text(f"tiny-{i}", seed=i), encoding="utf-8")
        paths.append(path)
    return paths


def record(
    policy: str,
    scenario: str,
    seed: int,
    *,
    days: int = 1,
    family: str | None = None,
    variant: str = "",
    kind: str = "evaluation",
    values: Mapping[str, float] | None = None,
    **kpis: float,
) -> dict[str, Any]:
    """A run record as `evaluation.runs.execute` makes one; the hash is the scenario's name."""
    return {
        "kind": kind,
        "policy": policy,
        "scenario": scenario,
        "scenario_hash": f"h-{scenario}",
        "family": family or scenario,
        "seed": seed,
        "days": days,
        "variant": variant,
        "z": None,
        "cover_days": None,
        **(values or {}),
        **kpis,
        "wall_seconds": 0.1,
    }


class FakeRuns:
    """Makes records without simulating; the cost is lowest for z = 1, cover 2.

    `drop` leaves a KPI out, as a build before that KPI would.
    """

    def __init__(self, *, drop: str | None = None) -> None:
        self.made: list[RunSpec] = []
        self._drop = drop

    def __call__(self, case: ScenarioCase, spec: RunSpec) -> dict[str, Any]:
        self.made.append(spec)
        k = spec.key
        cost = 100.0 + k.seed % 7 + (abs(spec.params.z - 1) * 10 if spec.params else 5.0)
        made = {
            "kind": spec.kind,
            "policy": k.policy,
            "scenario": k.scenario,
            "scenario_hash": k.scenario_hash,
            "family": case.family,
            "seed": k.seed,
            "days": k.days,
            "variant": k.variant,
            "z": spec.params.z if spec.params else None,
            "cover_days": spec.params.cover_days if spec.params else None,
            "fill_rate": 1.0,
            KPI: cost,
            "wall_seconds": 0.0,
        }
        return {k: v for k, v in made.items() if k != self._drop}
