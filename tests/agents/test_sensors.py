"""Device tracking: duplicates, gaps, silence, retirement; the factory."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from agents.alerts import AlertMaker
from agents.factory import build_agent
from agents.machine import MachineAgent
from agents.sensors import DeviceTracker
from agents.states import state_json
from agents.supplier import SupplierAgent
from agents.vehicle import VehicleAgent
from agents.warehouse import WarehouseAgent
from supplysync.events import Alert, AlertKind
from supplysync.network import Device, Network
from supplysync.readings import Reading
from tests.agents.conftest import Feed, at

GRACE = timedelta(minutes=10)


def env(feed: Feed, hours: float, seq: int) -> Reading:
    """A humidity reading of W-env taken `hours` in, with sequence number `seq`."""
    return feed("humidity", "W-env", at(hours), percent_rh=40, seq=seq)


def tracker() -> DeviceTracker:
    return DeviceTracker(AlertMaker("W-DUI", "warehouse"), timedelta(minutes=90), GRACE)


def test_duplicate_is_ignored_and_state_unchanged(network: Network) -> None:
    agent = WarehouseAgent("W-DUI", network)
    feed = Feed("W-DUI")
    agent.ingest([feed("stock_level", "W-shelf", at(1), product_id="PUMP", units=50)], at(1))
    before = agent.state()
    replay = feed("stock_level", "W-shelf", at(2), product_id="PUMP", units=999, seq=0)
    assert agent.ingest([replay], at(2)) == []
    assert agent.state() == before
    assert agent.state().stock["PUMP"] == 50


def test_older_sequence_is_a_replay() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    assert all(t.admit(env(feed, seq / 10, seq), alerts) for seq in range(6))
    assert not t.admit(env(feed, 1, 3), alerts)
    assert alerts == []


def test_gap_is_alerted_with_missing_count_once_the_grace_has_passed() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(env(feed, 0, 0), alerts)
    assert t.admit(env(feed, 1, 4), alerts)
    assert alerts == []  # the missing three may still come
    assert t.tick(at(1) + GRACE) == []
    (gap,) = t.tick(at(1) + GRACE + timedelta(seconds=1))  # silence is 90 min away
    assert gap.kind is AlertKind.SEQUENCE_GAP
    assert gap.data["missing"] == 3
    assert "3 reading(s) lost" in gap.message
    assert gap.alert_id == "W-DUI:sequence_gap:W-env:4"
    assert t.tick(at(2)) == []  # once


def test_readings_resent_out_of_order_are_no_loss() -> None:
    """After a broker restart a publisher resent 991-1584 after 1585: nothing was lost.

    All 2,000 readings were stored, yet a gap alert reported 594 lost.
    """
    t = DeviceTracker(
        AlertMaker("W-DUI", "warehouse"), timedelta(minutes=90), GRACE, {"W-env": 990}
    )
    feed = Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(env(feed, 0, 990), alerts)
    t.admit(env(feed, 0.1, 1585), alerts)
    for seq in range(991, 1585):
        t.admit(feed("humidity", "W-env", at(0.05), percent_rh=40, seq=seq), alerts)
    assert alerts == [] and t.tick(at(1)) == []
    assert not t.admit(env(feed, 0.05, 1000), alerts)


def test_what_is_still_missing_when_the_grace_ends_is_the_loss() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(env(feed, 0, 0), alerts)
    t.admit(env(feed, 1, 6), alerts)
    t.admit(env(feed, 0.5, 3), alerts)
    t.admit(env(feed, 0.5, 3), alerts)  # twice
    # a later reading past the grace settles the gap as well as the clock does
    t.admit(env(feed, 2, 7), alerts)
    (gap,) = alerts
    assert (gap.data["missing"], gap.data["after_seq"]) == (4, 0)
    assert t.tick(at(2.5)) == []


def test_a_late_stock_movement_is_applied_and_a_late_level_is_not(network: Network) -> None:
    """A scan is a change: lost, the stock is wrong for good. A level is superseded."""
    agent, feed = WarehouseAgent("W-DUI", network), Feed("W-DUI")
    scan = {"lot_id": "L-1", "product_id": "PUMP", "direction": "in", "site_id": "W-DUI"}
    agent.ingest([feed("stock_level", "W-shelf", at(1), product_id="PUMP", units=50)], at(1))
    agent.ingest([feed("rfid_scan", "W-rfid", at(1.02), units=5, seq=0, **scan)], at(1.02))
    agent.ingest([feed("rfid_scan", "W-rfid", at(1.1), units=7, seq=2, **scan)], at(1.1))
    assert agent.state().stock["PUMP"] == 62
    agent.ingest([feed("rfid_scan", "W-rfid", at(1.05), units=3, seq=1, **scan)], at(1.1))
    assert agent.state().stock["PUMP"] == 65  # the late scan counts
    agent.ingest([feed("stock_level", "W-shelf", at(2), product_id="PUMP", units=40, seq=3)], at(2))
    agent.ingest(
        [feed("stock_level", "W-shelf", at(1.5), product_id="PUMP", units=9, seq=2)], at(2)
    )
    assert agent.state().stock["PUMP"] == 40  # the newer level stands


def test_open_gaps_survive_a_snapshot() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(env(feed, 0, 0), alerts)
    t.admit(env(feed, 1, 4), alerts)
    t.admit(env(feed, 1, 2), alerts)
    again = tracker()
    again.restore(json.loads(json.dumps(t.snapshot())))
    assert again.snapshot() == t.snapshot()
    (gap,) = again.tick(at(2))
    assert gap.data["missing"] == 2


def test_a_snapshot_written_before_gaps_were_kept_still_restores() -> None:
    t = tracker()
    t.restore({"W-env": [4, at(1).isoformat(), True, False, False]})
    assert t.position().last_seq == {"W-env": 4}


def test_a_new_device_heard_first_mid_stream_lost_what_came_before() -> None:
    """A device never heard of whose first reading is seq 7 lost seq 0-6 (it numbers from 0).

    Before, nothing was alerted: a gap was only ever seen between two
    readings of a device already known.
    """
    t = tracker()
    alerts: list[Alert] = []
    t.admit(env(Feed("W-DUI"), 0, 7), alerts)
    assert alerts == [] and t.tick(at(0) + GRACE) == []  # the first ones may still come
    (gap,) = t.tick(at(0) + GRACE + timedelta(seconds=1))
    assert gap.kind is AlertKind.SEQUENCE_GAP
    assert gap.data["missing"] == 7
    assert gap.message == "W-env: 7 reading(s) lost in seq 0 to 6"


def test_a_registered_device_is_checked_against_its_registered_first_seq() -> None:
    at_seven = DeviceTracker(
        AlertMaker("W-DUI", "warehouse"), timedelta(hours=9), GRACE, {"W-env": 7}
    )
    at_three = DeviceTracker(
        AlertMaker("W-DUI", "warehouse"), timedelta(hours=9), GRACE, {"W-env": 3}
    )
    alerts: list[Alert] = []
    at_seven.admit(env(Feed("W-DUI"), 0, 7), alerts)
    at_three.admit(env(Feed("W-DUI"), 0, 7), alerts)
    assert alerts == [] and at_seven.tick(at(1)) == []
    (gap,) = at_three.tick(at(1))
    assert gap.data["missing"] == 4


def test_the_first_readings_arriving_late_are_no_loss() -> None:
    t, feed = tracker(), Feed("W-DUI")
    alerts: list[Alert] = []
    t.admit(env(feed, 0.2, 2), alerts)
    t.admit(env(feed, 0.0, 0), alerts)
    t.admit(env(feed, 0.1, 1), alerts)
    assert alerts == [] and t.tick(at(1)) == []


def test_an_agent_takes_its_devices_first_seq_from_the_network_registry(network: Network) -> None:
    registered = network.model_copy(
        update={"devices": [Device(id="W-env", asset_id="W-DUI", first_seq=40)]}
    )
    agent, feed = WarehouseAgent("W-DUI", registered), Feed("W-DUI")
    assert agent.ingest([env(feed, 0, 40)], at(0)) == []
    assert [a.kind for a in agent.tick(at(1))] == []
    plain = WarehouseAgent("W-DUI", network)
    assert [
        a.data["missing"] for a in plain.ingest([env(feed, 0, 40)], at(0)) + plain.tick(at(1))
    ] == [40]


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
    one, two = WarehouseAgent("W-EHV", network), WarehouseAgent("W-EHV", network)
    first = one.ingest(batch, at(1)) + one.tick(at(1.5))  # past the gap's grace
    second = two.ingest(batch, at(2)) + two.tick(at(1.5))
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
    assert agent.state().stock["PUMP"] == 120


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
    assert json.loads(json.dumps(state_json(agent.state())))["asset_id"] == asset_id


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
