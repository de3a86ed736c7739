"""Cost rates: defaults, checked ranges, the scenario's `[costs]` table, and
the planner's shared prices agreeing with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.costs import CostModel
from supplysync.costs import CostRates
from supplysync.scenario import ScenarioError, load_scenario
from tests.conftest import DEMO_SCENARIO


def test_defaults_are_the_documented_prices() -> None:
    rates = CostRates()
    assert rates.model_dump() == {
        "production_per_hour": 40.0,
        "setup": 60.0,
        "maintenance_per_hour": 40.0,
        "downtime_per_hour": 250.0,
        "transfer_base": 0.5,
        "transfer_per_km": 0.01,
        "late_share": 0.2,
    }
    assert all(field.description for field in CostRates.model_fields.values())


def test_the_planner_prices_shared_work_like_the_money_figure() -> None:
    rates, model = CostRates(), CostModel()
    for name in ("production_per_hour", "setup", "transfer_base", "transfer_per_km"):
        assert getattr(model, name) == getattr(rates, name), name


BAD_RATES: list[tuple[dict[str, Any], str]] = [
    # a price below zero would pay a policy for doing the work
    ({"production_per_hour": -1.0}, "production_per_hour"),
    ({"setup": -0.01}, "setup"),
    ({"maintenance_per_hour": -40}, "maintenance_per_hour"),
    ({"downtime_per_hour": -250}, "downtime_per_hour"),
    ({"transfer_base": -0.5}, "transfer_base"),
    ({"transfer_per_km": -0.01}, "transfer_per_km"),
    # an infinite or undefined price makes every total the same
    ({"downtime_per_hour": float("inf")}, "downtime_per_hour"),
    ({"setup": float("nan")}, "setup"),
    # a late unit cannot cost more than a unit never delivered
    ({"late_share": 1.5}, "late_share"),
    # nor earn money
    ({"late_share": -0.1}, "late_share"),
    # not a number at all
    ({"transfer_base": "cheap"}, "transfer_base"),
    # a misspelt rate is an error, not a silently ignored one
    ({"setup_cost": 60}, "setup_cost"),
]


@pytest.mark.parametrize(("bad", "field"), BAD_RATES)
def test_bad_rates_are_rejected_naming_the_field(bad: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        CostRates(**bad)


def test_bounds_themselves_are_allowed() -> None:
    rates = CostRates(production_per_hour=0, setup=0, late_share=1)
    assert (rates.production_per_hour, rates.late_share) == (0, 1)


def _demo_with_costs(tmp_path: Path, table: str) -> Path:
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    path = tmp_path / "costs.toml"
    path.write_text(text.replace("[planning]", f"{table}\n\n[planning]", 1), encoding="utf-8")
    return path


def test_a_scenario_without_costs_uses_the_defaults(demo_scenario: Any) -> None:
    assert demo_scenario.costs == CostRates()


def test_a_costs_table_overrides_some_rates(tmp_path: Path) -> None:
    scenario = load_scenario(
        _demo_with_costs(tmp_path, "[costs]\ndowntime_per_hour = 900\nlate_share = 0.5")
    )
    assert scenario.costs == CostRates(downtime_per_hour=900, late_share=0.5)


def test_a_bad_costs_table_names_file_and_field(tmp_path: Path) -> None:
    path = _demo_with_costs(tmp_path, "[costs]\nsetup = -60")
    with pytest.raises(ScenarioError, match=r"costs\.toml: field costs\.setup"):
        load_scenario(path)
