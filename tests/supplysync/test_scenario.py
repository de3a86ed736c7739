"""Scenario files: the demo loads; broken files fail naming file and field."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from console.main import main
from supplysync.scenario import ScenarioError, load_scenario
from tests.conftest import DEMO_SCENARIO


def test_demo_scenario_has_the_documented_shape(demo_scenario: Any) -> None:
    net = demo_scenario.network
    assert (len(net.suppliers), len(net.plants), len(net.machines)) == (3, 2, 6)
    assert (len(net.warehouses), len(net.customers), len(net.vehicles)) == (3, 15, 6)
    assert sum(v.refrigerated for v in net.vehicles) == 2
    assert [p.id for p in net.products if p.cold_chain] == ["REAGENT"]
    assert demo_scenario.simulation.days == 7
    kinds = {d.kind for d in demo_scenario.disruptions}
    assert kinds == {
        "demand_spike",
        "machine_degradation",
        "supplier_delay",
        "reefer_failure",
        "traffic_delay",
        "inbound_surge",
    }


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _demo_with(edit: str, old: str) -> str:
    text = DEMO_SCENARIO.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, edit, 1)


BAD_FILES = [
    # negative capacity: the message names the warehouse by id and the field
    (
        "capacity_units = 9000",
        "capacity_units = -5",
        "network.warehouses[W-DUI].capacity_units",
    ),
    # a machine that names a plant that does not exist
    (
        'plant_id = "PL-DUI"\nrates = { PUMP = 3.0',
        'plant_id = "PL-XXX"\nrates = { PUMP = 3.0',
        "PL-XXX",
    ),
    # a disruption naming an unknown machine
    ('machine_id = "M-DUI-1"\nstart_day', 'machine_id = "M-NOPE"\nstart_day', "M-NOPE"),
    # a wrong type in the simulation block
    ("days = 7", 'days = "seven"', "simulation.days"),
    # a misspelt field is an error, not silently ignored
    ("step_minutes = 15", "step_minute = 15", "simulation.step_minute"),
    # an inverted temperature range on a product
    (
        "temp_min_c = 2\ntemp_max_c = 8",
        "temp_min_c = 9\ntemp_max_c = 8",
        "network.products[REAGENT]",
    ),
    # the day's last departure before its first
    ("departure_hour = 7", "departure_hour = 7\nlast_departure_hour = 6", "last_departure_hour"),
    # a solver tunable out of its bounds, named by its dotted path
    (
        "departure_hour = 7",
        "departure_hour = 7\n\n[planning.solver]\ndive_share = 1.5",
        "planning.solver.dive_share",
    ),
    # a misspelt solver tunable
    (
        "departure_hour = 7",
        "departure_hour = 7\n\n[planning.solver]\nroute_round = 3",
        "planning.solver.route_round",
    ),
    # a wrong type for a solver tunable
    (
        "departure_hour = 7",
        'departure_hour = 7\n\n[planning.solver]\nkept_incumbents = "many"',
        "planning.solver.kept_incumbents",
    ),
    # the fewest candidate iterations above the most
    (
        "departure_hour = 7",
        "departure_hour = 7\n\n[planning.solver]\ncandidate_min_iterations = 300",
        "candidate_min_iterations (300) is above candidate_max_iterations",
    ),
    # an unknown disruption kind
    ('kind = "traffic_delay"', 'kind = "alien_invasion"', "disruptions"),
]


@pytest.mark.parametrize(("old", "new", "field"), BAD_FILES)
def test_bad_scenario_names_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = _write(tmp_path, _demo_with(new, old))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value)
    assert field in str(err.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(_write(tmp_path, "name = [unclosed"))
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "absent.toml")


def test_cli_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, _demo_with("days = 0", "days = 7"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "simulation.days" in err and str(path) in err
    assert main(["demo", "--scenario", str(path)]) == 2


def test_cli_validate_summarises_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEMO_SCENARIO)]) == 0
    out = capsys.readouterr().out
    assert "6 machines" in out and "15 customers" in out and "6 disruptions" in out


def test_demo_file_is_plain_toml() -> None:
    # The scenario format documented in the README is plain TOML with no includes.
    raw = tomllib.loads(DEMO_SCENARIO.read_text(encoding="utf-8"))
    assert set(raw) == {"name", "description", "simulation", "planning", "network", "disruptions"}
