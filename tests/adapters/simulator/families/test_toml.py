"""TOML text of a generated scenario reads back as the same scenario."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from adapters.simulator.families import FAMILIES, generate, to_toml
from supplysync.scenario import load_scenario


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_round_trip_through_load_scenario(name: str, tmp_path: Path) -> None:
    scenario = generate(name, 1)
    path = tmp_path / "s.toml"
    path.write_text(to_toml(scenario), encoding="utf-8")
    assert load_scenario(path) == scenario


def test_header_lines_become_comments() -> None:
    text = to_toml(generate("metro", 1), ["first line", "  second"])
    assert text.startswith("# first line\n#   second\nname = ")


def test_planning_lists_only_what_differs_from_the_defaults() -> None:
    assert "planning" not in tomllib.loads(to_toml(generate("metro", 1)))
    data = tomllib.loads(to_toml(generate("metro", 1, {"horizon_periods": "5"})))
    assert data["planning"] == {"horizon_periods": 5}


def test_an_unset_cold_limit_is_left_out() -> None:
    def cold(sets: dict[str, str]) -> dict[str, object]:
        data = tomllib.loads(to_toml(generate("coldchain", 1, sets)))
        return next(p for p in data["network"]["products"] if "temp_max_c" in p)

    assert "max_hours_out_of_storage" not in cold({"cold_hours_out": "0"})
    assert cold({"cold_hours_out": "3"})["max_hours_out_of_storage"] == 3.0


def test_costs_list_only_what_differs_from_the_defaults(tmp_path: Path) -> None:
    scenario = generate("metro", 1)
    assert "costs" not in tomllib.loads(to_toml(scenario))
    dear = scenario.model_copy(
        update={"costs": scenario.costs.model_copy(update={"downtime_per_hour": 900.0})}
    )
    assert tomllib.loads(to_toml(dear))["costs"] == {"downtime_per_hour": 900.0}
    path = tmp_path / "s.toml"
    path.write_text(to_toml(dear), encoding="utf-8")
    assert load_scenario(path) == dear
