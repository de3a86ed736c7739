"""Fixtures for runtime tests (and cluster's, which import them): the demo network
and its start, and an empty store on each backend (`store_url`, shared with the
store tests)."""

from __future__ import annotations

from datetime import datetime

import pytest

from supplysync.network import Network
from supplysync.scenario import Scenario
from tests.adapters.store.conftest import (  # noqa: F401 - hosts that recover need one
    pg_store_url,
    store_url,
)


@pytest.fixture(scope="session")
def demo_network(demo_scenario: Scenario) -> Network:
    return demo_scenario.network


@pytest.fixture(scope="session")
def demo_start(demo_scenario: Scenario) -> datetime:
    return demo_scenario.simulation.start
