"""Network cross references and helpers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from supplysync.network import Location, Network


def test_haversine_known_distance() -> None:
    # Duisburg to Cologne is about 55 km as the crow flies.
    km = Location(lat=51.435, lon=6.762).km_to(Location(lat=50.938, lon=6.960))
    assert 54 < km < 58


def test_duplicate_ids_are_refused(demo_scenario: Any) -> None:
    raw = demo_scenario.network.model_dump()
    raw["vehicles"][1]["id"] = raw["vehicles"][0]["id"]
    with pytest.raises(ValidationError, match="duplicate id"):
        Network.model_validate(raw)


def test_asset_kinds_cover_every_agent(demo_scenario: Any) -> None:
    kinds = demo_scenario.network.asset_kinds()
    assert len(kinds) == 3 + 6 + 3 + 6
    assert kinds["V-CGN-1"] == "vehicle" and kinds["S-COLD"] == "supplier"


def test_a_registered_device_names_a_known_asset_and_a_unique_id(demo_scenario: Any) -> None:
    raw = demo_scenario.network.model_dump()
    raw["devices"] = [{"id": "M-DUI-1-vib", "asset_id": "M-DUI-1", "first_seq": 12}]
    assert Network.model_validate(raw).devices[0].first_seq == 12
    with pytest.raises(ValidationError, match="device M-DUI-1-vib asset_id names unknown id"):
        Network.model_validate({**raw, "devices": [{"id": "M-DUI-1-vib", "asset_id": "C-X"}]})
    twice = [{"id": "d", "asset_id": "M-DUI-1"}, {"id": "d", "asset_id": "W-DUI"}]
    with pytest.raises(ValidationError, match="duplicate device id 'd'"):
        Network.model_validate({**raw, "devices": twice})
    with pytest.raises(ValidationError, match="first_seq"):
        Network.model_validate(
            {**raw, "devices": [{"id": "d", "asset_id": "W-DUI", "first_seq": -1}]}
        )
