from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.devices.credentials import Credentials
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker
from tests.deploy.acl_broker import acl_broker


@pytest.fixture
def secured(tmp_path: Path, demo_scenario: Scenario) -> Iterator[tuple[PrivateBroker, Credentials]]:
    """A running private broker with the project's ACL and the demo's credentials."""
    broker, creds = acl_broker(tmp_path, demo_scenario.network)
    with broker:
        yield broker, creds
