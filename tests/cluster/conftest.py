"""Fixtures for cluster tests: the demo network (tests/runtime/conftest.py) and an
empty store on each backend (`store_url`, shared with the store tests; Ray itself:
tests/conftest.py)."""

from __future__ import annotations

from tests.adapters.mqtt.conftest import broker  # noqa: F401 - a Mosquitto of the test's own
from tests.adapters.store.conftest import (  # noqa: F401 - hosts that recover need one
    pg_store_url,
    store_url,
)
from tests.evaluation.conftest import tiny_scenario_files  # noqa: F401 - the evaluate test
from tests.runtime.conftest import demo_network, demo_start  # noqa: F401 - as runtime's tests
