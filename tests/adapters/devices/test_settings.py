from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from adapters.devices.broker import BrokerAddress
from adapters.devices.pacing import Pacing, rebased
from adapters.devices.settings import FleetSettings
from supplysync.scenario import Scenario


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("mqtt://127.0.0.1", BrokerAddress("127.0.0.1", 1883)),
        ("mqtt://broker.plant:11883", BrokerAddress("broker.plant", 11883)),
        ("mqtt://broker/", BrokerAddress("broker", 1883)),
    ],
)
def test_broker_urls(url: str, address: BrokerAddress) -> None:
    assert BrokerAddress.parse(url) == address


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("tcp://host", "expected mqtt://"),  # another scheme
        ("mqtt://", "no host"),  # no host
        ("mqtt://host:99999", "out of range"),  # no such port
        ("mqtt://user:pw@host", "credentials come from"),  # a secret on the command line
        ("mqtt://host/topic", "unexpected path"),  # a path means nothing here
    ],
)
def test_bad_broker_urls_name_the_problem(url: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        BrokerAddress.parse(url)


@pytest.mark.parametrize(
    "changes",
    [
        {"speed": 0},  # time must move
        {"telemetry_qos": 2},  # QoS 2 is not offered
        {"max_batch": 10_001},  # above a GatewayMessage's limit
        {"backoff_min_s": 5, "backoff_max_s": 1},  # ceiling under the floor
        {"tick": 1},  # unknown field (a typo of tick_s)
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FleetSettings.model_validate(changes)


def test_rebased_moves_the_start_to_the_utc_midnight_of_the_instant_given(
    demo_scenario: Scenario,
) -> None:
    moved = rebased(demo_scenario, datetime(2026, 5, 4, 13, 22, 9, 500_000, tzinfo=UTC))
    assert moved.simulation.start == datetime(2026, 5, 4, tzinfo=UTC)
    assert moved.end - moved.simulation.start == demo_scenario.end - demo_scenario.simulation.start
    assert moved.network == demo_scenario.network


def test_pacing_maps_wall_seconds_to_simulated_time() -> None:
    t0 = datetime(2026, 3, 2, tzinfo=UTC)
    pacing = Pacing(sim_origin=t0, wall_origin=100.0, speed=60.0)
    assert pacing.sim_time(100.0) == t0
    assert pacing.sim_time(102.5) == t0 + timedelta(minutes=2.5)
