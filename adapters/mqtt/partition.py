"""Which ingest consumer owns which site: the fixed assignment behind `--ingest-workers N`.

    partition(network, 2)   ->  (("plant-1", "c3", ...), ("wh-1", "c1", ...))

Partitioned ingest runs N consumers, each subscribed only to the topics of
its own sites (`supplysync/{site}/...`, the site is in the topic). A site
is the unit because it is what a topic filter can name, and every device of
an asset publishes under its asset's site (`topics.site_of`): so every
device lives on exactly one consumer, whose single session receives its
messages in publish order and commits them in that order. MQTT shared
subscriptions (`$share/...`) would deal one device's messages to several
consumers and break that order.

The rule, a pure function of the sites and their weights and N, so it
depends on nothing else (not on the order of the scenario file, not on
Python's per-process `hash`, not on other code):

1. a site's weight is the number of assets and customers that publish
   under it (a proxy for its share of the traffic);
2. sites are taken heaviest first, ties by name;
3. each goes to the consumer with the least weight so far, ties to the
   lowest index (greedy longest-processing-time scheduling).

Why not a stable hash (`zlib.crc32(site) % N`), which would keep every
other site in place when one is added? With the few sites a network has
(a demo has a dozen, most of them customers with little traffic) a hash
leaves consumers idle or doubled up: one plant with most machines and a
second on the same consumer halves what N=2 can gain. Balance is what the
consumers are for; and any change of the site list or of N needs a restart
of the ingest anyway (the subscriptions change).

Changing N (or the sites) moves sites between consumers, and each consumer
has its own persistent session (`supplysync-ingest-{i}-of-{N}`): QoS 1
messages a stopped consumer's session still holds stay with that session.
So change N only once the ingest has drained (`unacked_messages` 0 in the
loop status) with the devices paused, or accept those messages as lost.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.mqtt.topics import site_of
from supplysync.network import Network


def site_weights(network: Network) -> dict[str, int]:
    """Every site that has topics, with the number of assets and customers publishing there."""
    weights: dict[str, int] = {}
    for asset in network.asset_kinds():
        site = site_of(network, asset)
        weights[site] = weights.get(site, 0) + 1
    for customer in network.customers:
        weights[customer.id] = weights.get(customer.id, 0) + 1
    return weights


def assign(weights: Mapping[str, int], n: int) -> tuple[tuple[str, ...], ...]:
    """The sites of each of `n` consumers, each tuple sorted by name (see the module doc).

    A consumer may get no site when there are fewer sites than consumers.

    Raises:
        ValueError: `n` < 1, or a negative weight.
    """
    if n < 1:
        raise ValueError(f"Expected at least one consumer, got {n}.")
    if any(w < 0 for w in weights.values()):
        raise ValueError("Expected non-negative site weights.")
    loads = [0] * n
    owned: list[list[str]] = [[] for _ in range(n)]
    for site in sorted(weights, key=lambda s: (-weights[s], s)):
        i = min(range(n), key=lambda k: (loads[k], k))
        owned[i].append(site)
        loads[i] += weights[site]
    return tuple(tuple(sorted(sites)) for sites in owned)


def partition(network: Network, n: int) -> tuple[tuple[str, ...], ...]:
    """The sites each of `n` ingest consumers owns in `network`."""
    return assign(site_weights(network), n)


def client_id(index: int, n: int, prefix: str = "supplysync-ingest") -> str:
    """The MQTT client id (and so the persistent session) of consumer `index` of `n`.

    N is in the id so that another N starts other sessions instead of
    resuming one subscribed to sites it no longer owns. The benchmark uses
    a prefix of its own, so it never resumes a live system's sessions.
    """
    if not 0 <= index < n:
        raise ValueError(f"Expected 0 <= index < {n}, got {index}.")
    return f"{prefix}-{index}-of-{n}"
