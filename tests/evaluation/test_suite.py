"""Loading a suite: files and directories, hashes, families, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.suite import family_of, load_suite
from supplysync.scenario import ScenarioError
from tests.conftest import DEMO_SCENARIO
from tests.evaluation.conftest import tiny_scenario_text


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("cold-chain-007", "cold-chain"),
        ("cold-chain_12", "cold-chain"),
        ("metro-2-calm", "metro"),  # a generated suite's seed and variant
        ("regional-3-late", "regional"),
        # what `supplysync scenario generate --set ...` names a scenario
        ("coldchain-2 (reefer_tightness=0.95, cold_hours_out=3)", "coldchain"),
        ("single-1 (disruptions=supplier_delay)", "single"),
        ("demo", "demo"),
        ("demo-3d", "demo-3d"),  # not a trailing number
    ],
)
def test_family_from_the_name(name: str, family: str) -> None:
    assert family_of(name) == family


def test_a_directory_with_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(tiny_scenario_text("spiky-1"))
    (tmp_path / "b.toml").write_text(tiny_scenario_text("spiky-2", seed=3))
    (tmp_path / "suite.toml").write_text('[families]\n"b.toml" = "special"\n')
    cases = load_suite([tmp_path, DEMO_SCENARIO], days=1)
    assert [(c.name, c.family) for c in cases] == [
        ("spiky-1", "spiky"),
        ("spiky-2", "special"),
        ("demo", "demo"),
    ]
    assert all(c.scenario.simulation.days == 1 for c in cases)
    assert len({c.digest for c in cases}) == 3


def test_same_names_are_told_apart_by_file(tmp_path: Path) -> None:
    (tmp_path / "x.toml").write_text(tiny_scenario_text("twin"))
    (tmp_path / "y.toml").write_text(tiny_scenario_text("twin", seed=2))
    assert [c.name for c in load_suite([tmp_path])] == ["twin (x)", "twin (y)"]


def test_the_hash_is_the_files(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(tiny_scenario_text("a"))
    before = load_suite([path])[0].digest
    path.write_text(tiny_scenario_text("a") + "\n# a comment\n")
    assert load_suite([path])[0].digest != before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),  # missing
        ("name = [", "not valid TOML"),  # broken TOML
        (
            tiny_scenario_text("x").replace("capacity_units = 9000", "capacity_units = -1"),
            "capacity_units",
        ),
    ],
)
def test_bad_files_raise_scenario_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "bad.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ScenarioError, match=message):
        load_suite([path])


def test_too_many_days_and_empty_dirs(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="--days must be between 1 and 7"):
        load_suite([DEMO_SCENARIO], days=8)
    with pytest.raises(ScenarioError, match=r"no \*\.toml scenario files"):
        load_suite([tmp_path])
