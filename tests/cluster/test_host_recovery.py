"""A host actor Ray kills and restarts rebuilds its agents from the event store.

The same property tests/runtime/test_recovery.py checks on in-process hosts,
on a real actor: after the restart it holds what an in-process directory fed
the same readings, ticks and commits holds, and goes on alike.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
import ray

from cluster.hosts import RayDirectory, RayHostPool
from runtime.directory import InlineDirectory
from supplysync.network import Network
from supplysync.settings import RuntimeSettings
from tests.runtime.test_recovery import feed, live_run, steps


@pytest.mark.ray
def test_a_killed_host_comes_back_with_the_log_s_agents(
    ray_session: None, store_url: str, demo_network: Network, demo_start: datetime
) -> None:
    settings = RuntimeSettings(placement="sharded", shards=2, snapshot_every=5)
    directory = RayDirectory.start(demo_network, settings, store_url=store_url)
    with InlineDirectory.start(demo_network) as reference, directory:
        live_run(store_url, demo_network, demo_start, reference, directory)
        pids = directory.pids()
        pool = directory.pool
        assert isinstance(pool, RayHostPool)
        ray.kill(pool.handles[0], no_restart=False)
        # `ray.kill` returns before the process is gone: a call right after it
        # may still be served by the old host, so wait for the restarted one.
        deadline = time.monotonic() + 60
        while directory.pids()[0] == pids[0] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert directory.pids()[0] != pids[0]
        assert directory.states() == reference.states()
        more = steps(demo_network, demo_start + timedelta(hours=2), 2)
        for batch in more:
            assert feed(store_url, batch, directory) == feed(store_url, batch, reference)
        assert directory.states() == reference.states()
