"""Fixtures for cluster tests: the demo network (Ray itself: tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from supplysync.network import Network


@pytest.fixture(scope="session")
def demo_network(demo_scenario) -> Network:  # type: ignore[no-untyped-def]
    return demo_scenario.network


@pytest.fixture(scope="session")
def demo_start(demo_scenario) -> datetime:  # type: ignore[no-untyped-def]
    return demo_scenario.simulation.start
