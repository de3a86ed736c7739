"""Fixtures for cluster tests: the demo network and an empty store on each backend
(`store_url`, shared with the store tests; Ray itself: tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from supplysync.network import Network
from supplysync.scenario import Scenario
from tests.adapters.mqtt.conftest import broker  # noqa: F401 - a Mosquitto of the test's own
from tests.adapters.store.conftest import (  # noqa: F401 - hosts that recover need one
    pg_store_url,
    store_url,
)
from tests.evaluation.conftest import tiny_scenario_files  # noqa: F401 - the evaluate test


@pytest.fixture(scope="session")
def demo_network(demo_scenario: Scenario) -> Network:
    return demo_scenario.network


@pytest.fixture(scope="session")
def demo_start(demo_scenario: Scenario) -> datetime:
    return demo_scenario.simulation.start
