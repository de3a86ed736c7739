"""The shortage floor: every unit short priced at least a share of the average unit's penalty."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from optimizer.data import planning_data
from optimizer.milp import plan_milp
from supplysync.network import Customer, Machine, Network
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings
from tests.optimizer.conftest import NEAR, SETTINGS, line_network, product, snapshot_of


def scarce_hours() -> Network:
    """One machine's 16 hours cannot make what C wants of a cheap and a dear product.

    CHEAP (penalty 20) is made at 20 an hour, DEAR (penalty 600) at 2: an
    hour of DEAR saves 1,200 of penalty and two units, an hour of CHEAP 400
    and twenty units. C wants 200 CHEAP and 30 DEAR a day: 25 hours' work.
    """
    products = [product("CHEAP", penalty=20.0), product("DEAR", penalty=600.0)]
    net = line_network(
        products=products,
        machines=[
            Machine(
                id="M", name="m", plant_id="PL", rates={"CHEAP": 20.0, "DEAR": 2.0}, setup_hours=0.0
            )
        ],
    )
    wants = {"CHEAP": 200.0, "DEAR": 30.0}
    customer = Customer(id="C", name="c", location=NEAR, region="r", demand_per_day=wants)
    return net.model_copy(update={"customers": [customer]})


def _short(plan: Plan) -> dict[str, float]:
    out = {"CHEAP": 0.0, "DEAR": 0.0}
    for s in plan.shortages:
        out[s.product_id] += s.quantity
    return out


def _with_floor(floor: float) -> PlanningSettings:
    return SETTINGS.model_copy(update={"shortage_floor": floor})


def test_unset_the_penalties_are_the_networks() -> None:
    data = planning_data(snapshot_of(scarce_hours()), SETTINGS)
    assert data.penalty == {"CHEAP": 20.0, "DEAR": 600.0}


def test_a_floor_raises_cheap_units_to_its_share_of_the_demand_weighted_mean_penalty() -> None:
    average = (200 * 20.0 + 30 * 600.0) / 230
    data = planning_data(snapshot_of(scarce_hours()), _with_floor(0.5))
    assert data.penalty["CHEAP"] == pytest.approx(0.5 * average)
    assert data.penalty["DEAR"] == 600.0


def test_with_a_floor_scarce_hours_serve_more_units_than_without() -> None:
    money = plan_milp(snapshot_of(scarce_hours()), SETTINGS, plan_id="money")
    units = plan_milp(snapshot_of(scarce_hours()), _with_floor(1.0), plan_id="units")
    assert sum(_short(units).values()) < sum(_short(money).values()) - 100
    assert _short(units)["CHEAP"] < _short(money)["CHEAP"]
    assert _short(units)["DEAR"] > _short(money)["DEAR"]


def test_a_shortage_keeps_the_networks_penalty_as_its_price() -> None:
    plan = plan_milp(snapshot_of(scarce_hours()), _with_floor(1.0), plan_id="units")
    cheap = [s for s in plan.shortages if s.product_id == "CHEAP"]
    assert cheap
    weight = {0: 1.0, 1: 0.9, 2: 0.9}  # firm orders, then forecasts at `forecast_weight`
    assert all(
        s.penalty == pytest.approx(20.0 * weight[s.period] * s.quantity, abs=0.01) for s in cheap
    )


@pytest.mark.parametrize("floor", [-0.1, 1.5])
def test_a_floor_out_of_bounds_is_refused(floor: float) -> None:
    with pytest.raises(ValidationError, match="shortage_floor"):
        PlanningSettings(shortage_floor=floor)
