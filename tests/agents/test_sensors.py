"""Device tracking: duplicates, gaps, silence, retirement; the factory."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from agents.alerts import AlertMaker
from agents.factory import build_agent
from agents.machine import MachineAgent
from agents.sensors import DeviceTracker
from agents.supplier import SupplierAgent
from agents.vehicle import VehicleAgent
from agents.warehouse import WarehouseAgent
from supplysync.events import Alert, AlertKind
from supplysync.network import Network
from tests.agents.conftest import Feed, at


def tracker() -> DeviceTracker:
    return DeviceTracker(AlertMaker("W-DUI", "warehouse"), timedelta(minutes=90))


def test_duplicate_is_ignored_and_state_unchanged(network: Network) -> None:
    agent = WarehouseAgent("W-DUI", network)
    feed = Feed("W-DUI")
    agent.ingest([feed("stock_level", "W-shelf", at(1), product_id="PUMP", units=50)], at(1))
    before = agent.state()
    replay = feed("stock_level", "W-shelf", at(2), product_id="PUMP", units=999, seq=0)
    assert agent.ingest([replay], at(2)) == []
    assert agent.state() == before
    assert agent.state()["stock"]["PUMP"] == 50


def test_older_sequence_is_a_replay() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    assert t.admit(feed("humidity", "W-env", at(0), percent_rh=40, seq=5), alerts)
    assert not t.admit(feed("humidity", "W-env", at(1), percent_rh=40, seq=3), alerts)
    assert alerts == []


def test_gap_is_alerted_with_missing_count() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(feed("humidity", "W-env", at(0), percent_rh=40, seq=0), alerts)
    assert t.admit(feed("humidity", "W-env", at(1), percent_rh=40, seq=4), alerts)
    (gap,) = alerts
    assert gap.kind is AlertKind.SEQUENCE_GAP
    assert gap.data["missing"] == 3
    assert "3 reading(s) lost" in gap.message
    assert gap.alert_id == "W-DUI:sequence_gap:W-env:4"


def test_first_reading_mid_stream_is_no_gap() -> None:
    t = tracker()
    alerts: list[Alert] = []
    t.admit(Feed("W-DUI")("humidity", "W-env", at(0), percent_rh=40, seq=17), alerts)
    assert alerts == []


def test_silence_raised_once_and_rearmed() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(feed("humidity", "W-env", at(0), percent_rh=40), alerts)
    assert t.tick(at(1.5)) == []  # exactly 90 min is not longer than the limit
    (silent,) = t.tick(at(1.6))
    assert silent.kind is AlertKind.SENSOR_SILENT
    assert silent.data["device_id"] == "W-env"
    assert t.tick(at(5)) == []  # once per silence
    t.admit(feed("humidity", "W-env", at(6), percent_rh=40), alerts)
    assert t.tick(at(6.5)) == []
    (again,) = t.tick(at(8))
    assert again.alert_id != silent.alert_id


def test_event_driven_devices_never_go_silent() -> None:
    t, feed = tracker(), Feed("V-DUI-1")
    alerts: list[Alert] = []
    t.admit(feed("door", "V-door", at(0), open=False), alerts)
    t.admit(feed("shock", "V-shock", at(0), g=3.0), alerts)
    assert t.tick(at(48)) == []


def test_retired_device_is_not_watched_and_replays_stay_dropped() -> None:
    t, feed = tracker(), Feed("S-RHEIN")
    alerts: list[Alert] = []
    fix = feed("location", "S-trk-po1", at(0), lat=51.0, lon=6.0)
    t.admit(fix, alerts)
    t.retire("S-trk-po1")
    assert t.tick(at(10)) == []
    assert not t.admit(fix, alerts)


def test_replay_yields_the_same_alert_ids(network: Network) -> None:
    feed = Feed("W-EHV")
    batch = [
        feed("humidity", "W-env", at(0), percent_rh=40),
        feed("humidity", "W-env", at(1), percent_rh=80, seq=3),
        feed("stock_level", "W-shelf", at(1), product_id="PUMP", units=10),
    ]
    first = WarehouseAgent("W-EHV", network).ingest(batch, at(1))
    second = WarehouseAgent("W-EHV", network).ingest(batch, at(2))
    assert [a.alert_id for a in first] == [a.alert_id for a in second]
    assert {a.kind for a in first} == {
        AlertKind.SEQUENCE_GAP,
        AlertKind.THRESHOLD,
        AlertKind.BELOW_REORDER_POINT,
    }


def test_reading_of_another_asset_is_ignored(network: Network) -> None:
    agent = WarehouseAgent("W-DUI", network)
    stray = Feed("W-EHV")("stock_level", "W-shelf", at(1), product_id="PUMP", units=1)
    assert agent.ingest([stray], at(1)) == []
    assert agent.state()["stock"]["PUMP"] == 120


@pytest.mark.parametrize(
    ("asset_id", "cls"),
    [
        ("M-DUI-1", MachineAgent),  # a machine
        ("W-CGN", WarehouseAgent),  # a warehouse
        ("V-CGN-1", VehicleAgent),  # a refrigerated vehicle
        ("S-COLD", SupplierAgent),  # a supplier
    ],
)
def test_factory_picks_the_kind(network: Network, asset_id: str, cls: type) -> None:
    agent = build_agent(asset_id, network)
    assert isinstance(agent, cls)
    assert agent.asset_id == asset_id
    assert agent.kind == network.asset_kinds()[asset_id]
    assert json.loads(json.dumps(agent.state()))["asset_id"] == asset_id  # JSON-ready


@pytest.mark.parametrize(
    "asset_id",
    [
        "NOPE",  # not in the network at all
        "C-ESSEN",  # a customer: a site, not an agent-bearing asset
        "PUMP",  # a product
    ],
)
def test_factory_refuses_unknown_ids(network: Network, asset_id: str) -> None:
    with pytest.raises(KeyError, match="unknown asset id"):
        build_agent(asset_id, network)
