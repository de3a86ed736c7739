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
