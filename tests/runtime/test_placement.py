"""Assets land on hosts by a stable hash, the same in every process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from runtime.placement import layout, shard_of
from supplysync.network import Network


def test_shard_is_stable_across_processes() -> None:
    code = "from runtime.placement import shard_of; print(shard_of('M-DUI-1', 7))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert runs == {str(shard_of("M-DUI-1", 7))}


def test_per_asset_gives_each_asset_a_host() -> None:
    assert layout(["a", "b", "c"], "per-asset", shards=2) == [["a"], ["b"], ["c"]]


def test_sharded_covers_every_asset_once(demo_network: Network) -> None:
    ids = list(demo_network.asset_kinds())
    hosts = layout(ids, "sharded", shards=3)
    assert len(hosts) == 3
    assert sorted(a for host in hosts for a in host) == sorted(ids)
    assert all(shard_of(a, 3) == i for i, host in enumerate(hosts) for a in host)


def test_rejects_zero_shards() -> None:
    with pytest.raises(ValueError, match="shards >= 1"):
        shard_of("a", 0)
