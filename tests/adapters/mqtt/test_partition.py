"""The site assignment of partitioned ingest: balanced, complete, and a pure function."""

from __future__ import annotations

import random

import pytest

from adapters.mqtt.ingest import MqttIngest
from adapters.mqtt.partition import assign, client_id, partition, site_weights
from adapters.mqtt.roster import Roster
from adapters.mqtt.sink import Batch
from adapters.mqtt.topics import TopicError, site_of
from supplysync.scenario import load_scenario
from tests.conftest import DEMO_SCENARIO


def test_heaviest_first_to_the_least_loaded_consumer() -> None:
    weights = {"plant-a": 6, "plant-b": 5, "wh-1": 3, "c1": 1, "c2": 1, "c3": 1}
    # plant-a -> 0 (6), plant-b -> 1 (5), wh-1 -> 1 (8), c1 -> 0 (7), c2 -> 0 (8),
    # c3 -> 0 (loads tie at 8: the lower index)
    assert assign(weights, 2) == (("c1", "c2", "c3", "plant-a"), ("plant-b", "wh-1"))


def test_ties_go_by_name_and_to_the_lowest_index() -> None:
    assert assign({"b": 1, "a": 1, "c": 1, "d": 1}, 2) == (("a", "c"), ("b", "d"))


def test_the_order_the_sites_come_in_changes_nothing() -> None:
    weights = {f"site-{k}": k % 5 + 1 for k in range(40)}
    items = list(weights.items())
    random.Random(7).shuffle(items)
    assert assign(dict(items), 4) == assign(weights, 4)


def test_the_assignment_is_written_down() -> None:
    """The same sites give the same consumers in every release: changing it moves sessions."""
    weights = {f"site-{k}": k % 3 + 1 for k in range(8)}
    # 2 and 5 (3 each) to 0 and 1; 1 and 4 (2) to 2; 7 (2) to 0; 0, 3 (1) to 1; 6 (1) to 2
    assert assign(weights, 3) == (
        ("site-2", "site-7"),
        ("site-0", "site-3", "site-5"),
        ("site-1", "site-4", "site-6"),
    )


def test_every_site_once_and_more_consumers_than_sites_leaves_some_idle() -> None:
    assert assign({"a": 2, "b": 1}, 4) == (("a",), ("b",), (), ())
    weights = {f"s{k}": 1 for k in range(13)}
    owned = assign(weights, 4)
    assert sorted(s for sites in owned for s in sites) == sorted(weights)
    assert [len(s) for s in owned] == [4, 3, 3, 3]


def test_one_consumer_owns_everything_and_zero_is_refused() -> None:
    assert assign({"b": 1, "a": 2}, 1) == (("a", "b"),)
    with pytest.raises(ValueError, match="at least one consumer"):
        assign({"a": 1}, 0)


def test_every_asset_of_the_demo_network_has_one_owner() -> None:
    network = load_scenario(DEMO_SCENARIO).network
    owned = partition(network, 2)
    owner = {site: i for i, sites in enumerate(owned) for site in sites}
    assert set(owner) == set(site_weights(network))
    for asset in network.asset_kinds():
        assert site_of(network, asset) in owner  # so all its devices are on that consumer
    for customer in network.customers:
        assert customer.id in owner
    Roster(network)  # the same network the consumers check topics against


def test_client_ids_name_the_consumer_and_n() -> None:
    assert client_id(0, 2) == "supplysync-ingest-0-of-2"
    assert client_id(3, 4) == "supplysync-ingest-3-of-4"
    with pytest.raises(ValueError):
        client_id(2, 2)


class _Nowhere:
    async def record(self, batch: Batch) -> None:
        raise AssertionError("not recording in this test")


def test_a_consumer_subscribes_to_its_own_sites_only() -> None:
    ingest = MqttIngest(sink=_Nowhere(), sites=["plant-1", "c7"])
    assert [f for f, _ in ingest.subscriptions()] == [
        "supplysync/plant-1/+/+/telemetry",
        "supplysync/plant-1/+/+/events",
        "supplysync/plant-1/+/+/ack",
        "supplysync/plant-1/customer/+/orders",
        "supplysync/c7/+/+/telemetry",
        "supplysync/c7/+/+/events",
        "supplysync/c7/+/+/ack",
        "supplysync/c7/customer/+/orders",
    ]
    every = MqttIngest(sink=_Nowhere())
    assert next(f for f, _ in every.subscriptions()) == "supplysync/+/+/+/telemetry"
    with pytest.raises(TopicError):
        MqttIngest(sink=_Nowhere(), sites=["a/b"])
