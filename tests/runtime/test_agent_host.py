"""AgentHost keeps serving when one agent chokes on a reading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from runtime.agent_host import AgentHost
from supplysync.commands import Command, ProduceOrder
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import TemperatureReading
from tests.runtime.fake_agents import build_counting_agent, poisonable

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def temp(asset: str, seq: int, device: str | None = None) -> TemperatureReading:
    return TemperatureReading(
        device_id=device or f"{asset}-env", asset_id=asset, seq=seq, ts=T0, celsius=4.0
    )


@pytest.fixture
def host(demo_network: Network) -> AgentHost:
    return AgentHost(demo_network, ["W-DUI", "W-CGN"], factory=poisonable(build_counting_agent))


def test_poisoned_reading_becomes_a_dead_letter_and_the_rest_goes_through(host: AgentHost) -> None:
    batch = {
        "W-DUI": [temp("W-DUI", 0), temp("W-DUI", 1, "W-DUI-poison"), temp("W-DUI", 2)],
        "W-CGN": [temp("W-CGN", 0)],
    }
    host.ingest(batch, T0)
    [letter] = host.dead_letters()
    assert (letter.asset_id, letter.at) == ("W-DUI", T0)
    assert "poisoned reading" in letter.reason
    assert b"W-DUI-poison" in letter.raw
    states = host.states()
    assert states["W-DUI"]["readings"] == 2
    assert states["W-CGN"]["readings"] == 1


def test_reading_for_an_asset_elsewhere_is_a_dead_letter(host: AgentHost) -> None:
    host.ingest({"W-EHV": [temp("W-EHV", 0)]}, T0)
    assert [d.asset_id for d in host.dead_letters()] == ["W-EHV"]


def test_agent_that_raises_in_review_rejects(
    demo_network: Network, host: AgentHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = PlanningWindow(start=T0)
    command = Command(
        command_id="c1",
        plan_id="p1",
        asset_id="W-DUI",
        asset_kind="warehouse",
        issued_at=T0,
        window=window,
        body=ProduceOrder(),
    )

    def broken(_command: Command) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(host._agents["W-DUI"], "review", broken)
    [answer] = host.review([command])
    assert not answer.accepted
    assert "boom" in answer.reason


def test_reset_rebuilds_agents_and_clears_dead_letters(
    demo_network: Network, host: AgentHost
) -> None:
    host.ingest({"W-DUI": [temp("W-DUI", 0, "W-DUI-poison"), temp("W-DUI", 1)]}, T0)
    host.reset(demo_network, ["V-DUI-1"])
    assert host.dead_letters() == []
    assert host.states() == {
        "V-DUI-1": {"asset_id": "V-DUI-1", "readings": 0, "last_ts": None, "commitments": []}
    }
