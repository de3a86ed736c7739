"""The topic scheme every device, the ingest and the dispatcher agree on.

`supplysync/{site}/{asset_kind}/{asset_id}/{channel}` where channel is
`telemetry` (readings in, high rate), `events` (state-changing device events
such as RFID scans and stock movements), `cmd` (commands out) or `ack`
(a device's answer to a command). The asset id is the MQTT user name of the
device that owns the topic, which is what lets the broker's ACL say "a device
publishes only its own telemetry and reads only its own commands" with one
`pattern` line per channel (see `deploy/mosquitto/`).

Customer orders follow the same shape, `supplysync/{customer}/customer/
{customer}/orders` (a customer is its own site, like a warehouse), but no
device owns them: one publisher, the ERP's order gateway, writes every
customer's orders under its own MQTT user, which the ACL names in a `user`
block. The kind `customer` goes with the channel `orders` and nothing else,
so a device can never pass readings off as a customer's or orders off as an
asset's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from supplysync.events import AssetKind
from supplysync.network import Network

ROOT = "supplysync"
Channel = Literal["telemetry", "events", "cmd", "ack", "orders"]
CHANNELS: tuple[str, ...] = get_args(Channel)
TopicKind = AssetKind | Literal["customer"]
KINDS: tuple[str, ...] = (*get_args(AssetKind), "customer")
ORDERS_KIND: Literal["customer"] = "customer"


class TopicError(ValueError):
    """A topic outside the scheme (wrong root, kind, channel or depth)."""


@dataclass(frozen=True)
class Topic:
    """One asset's channel."""

    site: str
    asset_kind: TopicKind
    asset_id: str
    channel: Channel

    def __str__(self) -> str:
        return f"{ROOT}/{self.site}/{self.asset_kind}/{self.asset_id}/{self.channel}"

    def on(self, channel: Channel) -> Topic:
        """The same asset's topic on another channel (a command's ack, say)."""
        return Topic(self.site, self.asset_kind, self.asset_id, channel)


def parse(topic: str) -> Topic:
    """The parts of a topic string; `TopicError` naming what is wrong otherwise."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != ROOT:
        raise TopicError(f"topic {topic!r} is not {ROOT}/site/kind/asset/channel")
    _, site, kind, asset, channel = parts
    if kind not in KINDS:
        raise TopicError(f"topic {topic!r}: unknown asset kind {kind!r}")
    if channel not in CHANNELS:
        raise TopicError(f"topic {topic!r}: unknown channel {channel!r}")
    if not site or not asset:
        raise TopicError(f"topic {topic!r}: empty site or asset id")
    if (kind == ORDERS_KIND) != (channel == "orders"):
        raise TopicError(f"topic {topic!r}: channel 'orders' goes with kind {ORDERS_KIND!r} only")
    return Topic(site, kind, asset, channel)  # type: ignore[arg-type]  # checked above


def subscription(channel: Channel, site: str = "+") -> str:
    """The filter for one channel of every asset (of every customer, for orders) at `site`.

    The default `+` is every site; a partitioned ingest consumer names its own.
    """
    if not site or set("/#") & set(site) or (site != "+" and "+" in site):
        raise TopicError(f"site {site!r} cannot stand in a topic filter")
    kind = ORDERS_KIND if channel == "orders" else "+"
    return f"{ROOT}/{site}/{kind}/+/{channel}"


def site_of(network: Network, asset_id: str) -> str:
    """The site an asset's topics live under: its plant, its depot, or itself.

    A customer, whose orders have topics too, is its own site.
    """
    for m in network.machines:
        if m.id == asset_id:
            return m.plant_id
    for v in network.vehicles:
        if v.id == asset_id:
            return v.depot_id
    if asset_id in network.asset_kinds() or any(c.id == asset_id for c in network.customers):
        return asset_id
    raise KeyError(asset_id)


def topic_of(network: Network, asset_id: str, channel: Channel) -> Topic:
    """The topic of one asset's channel in this network."""
    kind = network.asset_kinds()[asset_id]
    return Topic(site_of(network, asset_id), kind, asset_id, channel)  # type: ignore[arg-type]


def orders_topic(network: Network, customer_id: str) -> Topic:
    """Where the order gateway publishes one customer's orders and proofs of delivery."""
    return Topic(site_of(network, customer_id), ORDERS_KIND, customer_id, "orders")
