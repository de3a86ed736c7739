"""Which topic each of a network's assets publishes on, to refuse the rest.

The broker's ACL lets a device write only under its own user name, the
asset id, but it cannot know the asset's site or kind. Without this check a
device set up with the wrong site, or a warehouse's gateway publishing as a
vehicle, would be recorded under a topic that says something false about
it, and every reader that files readings by site would file them wrongly.
The ingest, which knows the network, checks each topic against the roster;
a mismatch is a dead letter that names the topic the asset should use.
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
