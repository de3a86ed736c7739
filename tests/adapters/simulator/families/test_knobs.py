"""Knobs: text overrides parsed and checked, each bad one named with its reason."""

from __future__ import annotations

from typing import get_args

import pytest

from adapters.simulator.families.knobs import (
    DISRUPTION_KINDS,
    KnobError,
    Knobs,
    knob_table,
    resolve_knobs,
)
from supplysync.scenario import Disruption


@pytest.mark.parametrize(
    ("overrides", "key", "reason"),
    [
        ({"size": "3"}, "size", "no such knob"),  # a key that is no knob
        ({"customers": "many"}, "customers", "valid integer"),  # not a number
        ({"customers": "2.5"}, "customers", "valid integer"),  # a count must be whole
        ({"customers": "0"}, "customers", "greater than or equal to 1"),  # below range
        ({"customers": "121"}, "customers", "less than or equal to 120"),  # above range
        ({"products": "1"}, "products", "greater than or equal to 2"),  # one product: no mix
        ({"products": "13"}, "products", "less than or equal to 12"),  # beyond the catalogue
        ({"cold_products": "9"}, "cold_products", "less than or equal to 8"),  # idem, chilled
        ({"spread_km": "5"}, "spread_km", "greater than or equal to 10"),  # a single yard
        ({"demand_cv": "0.6"}, "demand_cv", "less than or equal to 0.5"),  # chaos, not demand
        ({"demand_cv": "-0.1"}, "demand_cv", "greater than or equal to 0.05"),  # negative noise
        ({"machine_tightness": "1.2"}, "machine_tightness", "less than or equal to 1"),  # short
        ({"fleet_tightness": "0"}, "fleet_tightness", "greater than or equal to 0.1"),  # no use
        ({"make_share": "1.5"}, "make_share", "less than or equal to 1"),  # a share above 1
        ({"days": "0"}, "days", "greater than or equal to 1"),  # no run
        ({"timing": "soon"}, "timing", "'early', 'mid', 'late' or 'spread'"),  # unknown timing
        ({"disruptions": "flood"}, "disruptions", "'demand_spike'"),  # unknown kind
        ({"disruption_day": "-1"}, "disruption_day", "greater than or equal to 0"),  # before start
        ({"disruption_day": "7"}, "disruption_day", "must be before days"),  # after the run
        ({"severity": "5"}, "severity", "less than or equal to 3"),  # beyond any bad day
        ({"plants": "0"}, "machines", "0 exactly when plants is 0"),  # machines, no plant
        ({"machines": "1"}, "machines", "at least plants"),  # a plant without a machine
        ({"plants": "4"}, "plants", "at most warehouses"),  # a plant without a dock
        ({"cold_products": "6"}, "cold_products", "at most products"),  # more cold than all
        ({"reefers": "0"}, "reefers", "at least 1 when cold_products > 0"),  # cold, no reefer
        ({"reefers": "7"}, "reefers", "at most vehicles"),  # more reefers than vehicles
        ({"vehicles": "2"}, "vehicles", "at least warehouses"),  # a depot without a vehicle
        ({"regions": "4", "customers": "3"}, "regions", "at most customers"),  # empty region
        ({"lead_min_days": "3"}, "lead_max_days", "at least lead_min_days"),  # inverted range
        ({"make_share": "0"}, "make_share", "above 0 when machines > 0"),  # idle machines
        ({"cold_products": "5"}, "products", "machines need an ambient product"),  # all chilled
        ({"cold_hours_out": "0.5"}, "cold_hours_out", "0 (no limit) or at least 1"),  # no reach
        (
            {"disruptions": "machine_degradation", "plants": "0", "machines": "0"},
            "disruptions",
            "machine_degradation needs machines",
        ),  # nothing to wear
        (
            {"disruptions": "reefer_failure", "reefers": "0", "cold_products": "0"},
            "disruptions",
            "reefer_failure needs reefers",
        ),  # nothing to fail
    ],
)
def test_bad_knobs_are_named_with_the_reason(
    overrides: dict[str, str], key: str, reason: str
) -> None:
    with pytest.raises(KnobError) as caught:
        resolve_knobs({}, overrides)
    assert caught.value.key == key
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"{key}: ")


def test_text_overrides_become_typed_values() -> None:
    knobs = resolve_knobs(
        {"days": 10},
        {
            "customers": "20",
            "spread_km": "80",
            "disruptions": "demand_spike, inbound_surge,demand_spike",
            "disruption_day": "2",
        },
    )
    assert (knobs.customers, knobs.spread_km, knobs.days) == (20, 80.0, 10)
    assert knobs.disruptions == ("demand_spike", "inbound_surge", "demand_spike")
    assert knobs.disruption_day == 2


@pytest.mark.parametrize("text", ["none", ""])
def test_no_disruptions_and_no_fixed_day_are_spelled_none(text: str) -> None:
    knobs = resolve_knobs({"disruption_day": 3}, {"disruptions": text, "disruption_day": text})
    assert knobs.disruptions == ()
    assert knobs.disruption_day is None


def test_overrides_win_over_the_family_values() -> None:
    assert resolve_knobs({"customers": 12}, {"customers": "30"}).customers == 30


def test_every_knob_is_listed_with_type_default_and_range() -> None:
    table = {k.name: k for k in knob_table()}
    assert list(table) == list(Knobs.model_fields)
    assert all(k.description for k in table.values())
    assert (table["customers"].type, table["customers"].range) == ("int", "1..120")
    assert table["demand_cv"].range == "0.05..0.5"
    assert table["disruption_day"].type == "int|none"
    assert table["disruption_day"].default == "none"
    assert table["timing"].type == "early|mid|late|spread"
    assert table["disruptions"].default == "demand_spike,supplier_delay"


def test_the_kinds_are_the_scenario_models_kinds() -> None:
    union = get_args(Disruption)[0]
    kinds = {member.model_fields["kind"].default for member in get_args(union)}
    assert set(DISRUPTION_KINDS) == kinds
