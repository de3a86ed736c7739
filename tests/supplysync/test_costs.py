"""Cost rates: defaults, checked ranges, the scenario's `[costs]` table, and
the planner's shared prices agreeing with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.costs import CostModel
from supplysync.costs import (
    COMPONENTS,
    CostRates,
    RunCosts,
    RunTallies,
    price_run,
    replacement_costs,
)
from supplysync.kpi import Kpis
from supplysync.network import (
    Location,
    Machine,
    Network,
    Plant,
    Product,
    Supplier,
    SupplyQuote,
    Vehicle,
    Warehouse,
)
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


# ------------------------------------------------------------ the money figure

GEAR = Product(id="GEAR", name="Gear", unit_value=10, holding_cost_per_day=0.1, shortage_penalty=50)
COG = Product(id="COG", name="Cog", unit_value=5, holding_cost_per_day=0.05, shortage_penalty=20)
BOX = Product(id="BOX", name="Box", unit_value=3, holding_cost_per_day=0.01, shortage_penalty=9)
HERE = Location(lat=51.43, lon=6.775)


@pytest.fixture
def priced() -> Network:
    """GEAR bought at 6 (S) or 7 (T) and made at 10/h (40/10 = 4 a unit); COG
    bought at 4 and made at 5/h or 20/h (2 a unit); BOX neither bought nor made
    (worth its unit value, 3). Vans V at 1/km and V2 at 2.5/km."""
    return Network(
        products=[GEAR, COG, BOX],
        suppliers=[
            Supplier(
                id="S",
                name="S",
                location=HERE,
                region="r",
                quotes=[
                    SupplyQuote(
                        product_id="GEAR", capacity_per_day=9, lead_time_days=1, unit_price=6
                    ),
                    SupplyQuote(
                        product_id="COG", capacity_per_day=9, lead_time_days=1, unit_price=4
                    ),
                ],
            ),
            Supplier(
                id="T",
                name="T",
                location=HERE,
                region="r",
                quotes=[
                    SupplyQuote(
                        product_id="GEAR", capacity_per_day=9, lead_time_days=0, unit_price=7
                    )
                ],
            ),
        ],
        plants=[Plant(id="P", name="P", location=HERE, region="r", output_warehouse_id="W")],
        machines=[
            Machine(id="M", name="M", plant_id="P", rates={"GEAR": 10, "COG": 5}),
            Machine(id="M2", name="M2", plant_id="P", rates={"COG": 20}),
        ],
        warehouses=[Warehouse(id="W", name="W", location=HERE, region="r", capacity_units=1000)],
        vehicles=[
            Vehicle(id="V", name="V", depot_id="W", capacity_units=10),
            Vehicle(id="V2", name="V2", depot_id="W", capacity_units=10, cost_per_km=2.5),
        ],
    )


def test_replacement_is_the_cheaper_of_buying_and_making(priced: Network) -> None:
    assert replacement_costs(priced, CostRates()) == {"GEAR": 4.0, "COG": 2.0, "BOX": 3.0}
    # Dearer machine hours make buying GEAR (6) cheaper than making it (80/10 = 8).
    assert replacement_costs(priced, CostRates(production_per_hour=80))["GEAR"] == 6.0


# Each row is one component on its own: the tallies, the component, its figure.
COMPONENT_CASES: list[tuple[dict[str, Any], str, float]] = [
    # 100 GEAR from S at 6 and 10 from T at 7
    ({"purchased": {("S", "GEAR", 6.0): 100, ("T", "GEAR", 7.0): 10}}, "purchase_cost", 670),
    # 3.5 producing hours at 40
    ({"run_hours": 3.5}, "production_cost", 140),
    # two changeovers at 60
    ({"setups": 2}, "setup_cost", 120),
    # one 6-hour maintenance at 40 an hour
    ({"maintenance_hours": 6}, "maintenance_cost", 240),
    # the carrying cost the warehouses accrued, passed through
    ({"holding_cost": 12.34}, "holding_cost", 12.34),
    # V 100 km at 1 and V2 10 km at 2.5; 20 units over 30 km: 20 x 0.5 + 600 x 0.01
    (
        {"vehicle_km": {"V": 100, "V2": 10}, "transfer_units": 20, "transfer_unit_km": 600},
        "transport_cost",
        100 + 25 + 10 + 6,
    ),
    # 4 GEAR short at 50; COG fully served; what came, came on time
    (
        {
            "ordered": {"GEAR": 10, "COG": 5},
            "accepted": {"GEAR": 6, "COG": 5},
            "on_time": {"GEAR": 6, "COG": 5},
        },
        "shortage_cost",
        200,
    ),
    # 5 of 6 GEAR late: 5 x 0.2 x 50
    ({"accepted": {"GEAR": 6}, "on_time": {"GEAR": 1}}, "lateness_cost", 50),
    # 4 COG spoiled at unit value 5
    ({"spoiled": {"COG": 4}}, "spoilage_cost", 20),
    # 9 GEAR refused at unit value 10
    ({"refused": {"GEAR": 9}}, "refused_cost", 90),
    # 10 hours down at 250
    ({"downtime_hours": 10}, "downtime_cost", 2500),
    # 30 GEAR used up (at 4) and 10 BOX (at 3), 20 COG built up (at 2): 120 + 30 - 40
    (
        {"stock_start": {"GEAR": 100, "BOX": 10}, "stock_end": {"GEAR": 70, "COG": 20}},
        "inventory_change",
        110,
    ),
    # a run that only builds stock gets its replacement cost back
    ({"stock_end": {"GEAR": 10}}, "inventory_change", -40),
]


@pytest.mark.parametrize(("tallies", "component", "expected"), COMPONENT_CASES)
def test_each_component_prices_its_own_tally(
    priced: Network, tallies: dict[str, Any], component: str, expected: float
) -> None:
    costs = price_run(RunTallies(**tallies), priced, CostRates())
    assert getattr(costs, component) == pytest.approx(expected)
    others = {name: getattr(costs, name) for name in COMPONENTS if name != component}
    assert others == dict.fromkeys(others, 0.0)
    assert costs.total_cost == pytest.approx(expected)


def test_the_total_is_the_sum_of_all_components(priced: Network) -> None:
    tallies: dict[str, Any] = {}
    for row, _, _ in COMPONENT_CASES[:-1]:
        for key, value in row.items():
            merged = {**tallies.get(key, {}), **value} if isinstance(value, dict) else value
            tallies[key] = merged
    costs = price_run(RunTallies(**tallies), priced, CostRates())
    parts = [getattr(costs, name) for name in COMPONENTS]
    assert costs.total_cost == pytest.approx(sum(parts))
    # the rows merged: GEAR's 6 accepted, 1 on time; COG served on time
    assert costs.total_cost == pytest.approx(
        670 + 140 + 120 + 240 + 12.34 + 141 + 200 + 50 + 20 + 90 + 2500 + 110
    )


def test_the_rates_price_the_work(priced: Network) -> None:
    rates = CostRates(downtime_per_hour=1000, late_share=1, transfer_base=0, transfer_per_km=1)
    tallies = RunTallies(
        downtime_hours=2,
        accepted={"GEAR": 1},
        transfer_units=5,
        transfer_unit_km=50,
    )
    costs = price_run(tallies, priced, rates)
    assert (costs.downtime_cost, costs.lateness_cost, costs.transport_cost) == (2000, 50, 50)


def test_a_total_that_is_not_the_sum_is_rejected() -> None:
    with pytest.raises(ValidationError, match="not the sum"):
        RunCosts(purchase_cost=10, total_cost=0)
    with pytest.raises(ValidationError, match="not the sum"):
        Kpis(
            fill_rate=1,
            on_time_rate=1,
            inventory_carrying_cost=0,
            unplanned_downtime_hours=0,
            cold_chain_breaches=0,
            spoiled_units=0,
            downtime_cost=5,
        )


def test_kpis_carry_every_component_and_describe_it() -> None:
    for name in (*COMPONENTS, "total_cost"):
        assert Kpis.model_fields[name].description, name
