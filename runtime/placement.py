"""Which host holds which agent.

Sharding uses a stable hash of the asset id (BLAKE2b), not Python's `hash`,
which is salted per process: the driver and every restarted worker must agree
on the owner of an asset across runs and machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal


def shard_of(asset_id: str, shards: int) -> int:
    """The shard index in `range(shards)` that owns `asset_id`."""
    if shards < 1:
        raise ValueError("Expected shards >= 1.")
    digest = hashlib.blake2b(asset_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def layout(
    asset_ids: Sequence[str], placement: Literal["per-asset", "sharded"], shards: int
) -> list[list[str]]:
    """The asset ids of each host, in input order within a host.

    `per-asset` gives every asset a host of its own; `sharded` gives `shards`
    hosts (some possibly empty on tiny networks) and hashes assets onto them.
    """
    if placement == "per-asset":
        return [[asset_id] for asset_id in asset_ids]
    hosts: list[list[str]] = [[] for _ in range(shards)]
    for asset_id in asset_ids:
        hosts[shard_of(asset_id, shards)].append(asset_id)
    return hosts
