"""Which topic each of a network's assets publishes on, to refuse the rest.

The broker's ACL lets a device write only under its own user name, the
asset id, but it cannot know the asset's site or kind. Without this check a
device set up with the wrong site, or a warehouse's gateway publishing as a
vehicle, would be recorded under a topic that says something false about
it, and every reader that files readings by site would file them wrongly.
The ingest, which knows the network, checks each topic against the roster;
a mismatch is a dead letter that names the topic the asset should use.

An asset that registers its devices (`Network.devices`) is heard only
through them: a reading from any other `device_id` is refused, so a
misconfigured or foreign device cannot start a sequence of its own there.
"""

from __future__ import annotations

from adapters.mqtt.topics import ORDERS_KIND, Topic, site_of
from supplysync.network import Network


class Roster:
    """The site and kind every asset (and every customer, for orders) has in one network."""

    def __init__(self, network: Network) -> None:
        self._places: dict[str, tuple[str, str]] = {
            asset: (site_of(network, asset), kind) for asset, kind in network.asset_kinds().items()
        }
        self._places.update({c.id: (c.id, ORDERS_KIND) for c in network.customers})
        devices: dict[str, set[str]] = {}
        for device in network.devices:
            devices.setdefault(device.asset_id, set()).add(device.id)
        self._devices = {asset: frozenset(ids) for asset, ids in devices.items()}

    def device_refusal(self, asset_id: str, device_id: str) -> str | None:
        """Why `device_id` may not report for `asset_id`, or None when it may."""
        registered = self._devices.get(asset_id)
        if registered is None or device_id in registered:
            return None
        return (
            f"{device_id!r} is not a registered device of {asset_id!r}"
            f" (registered: {', '.join(sorted(registered))})"
        )

    def refusal(self, topic: Topic) -> str | None:
        """Why `topic` is not its asset's, or None when it is."""
        place = self._places.get(topic.asset_id)
        if place is None:
            return f"topic {str(topic)!r}: asset {topic.asset_id!r} is not in the network"
        if (topic.site, topic.asset_kind) == place:
            return None
        site, kind = place
        expected = Topic(site, kind, topic.asset_id, topic.channel)  # type: ignore[arg-type]
        return (
            f"topic {str(topic)!r}: {topic.asset_id!r} is a {kind} at {site!r};"
            f" its topic is {str(expected)!r}"
        )
