"""Agent hosts as Ray actors: the only module that holds actor handles.

`ray.remote` is applied here, once, to the plain `AgentHost` class, and every
handle call goes through `RayHostPool.call`, so the directory
(`runtime.directory`, and its tests) sees only the `HostPool` seam;
`RayDirectory.start` starts or joins Ray and builds a directory on such a pool.

Over the nodes of a cluster, host `i` is asked for node `i mod n` of the `n`
live nodes that have CPUs, in node id order, by *soft* node affinity
(`spread`). Why that and not the alternatives:

- Soft, not hard: a restarted actor keeps its scheduling strategy, so a host
  pinned hard to a node that died could never be restarted; a soft one is
  placed on a surviving node instead, and rebuilds its agents there from the
  store (`runtime.recovery`). That is the whole recovery story: Ray's
  `max_restarts`, nothing home-made. The price: while its node lives but
  has no CPU free (other Ray work filling it), a host waits for that node
  rather than going elsewhere (spilling is a private Ray option); an actor
  holds its CPU only while being placed, so hosts never wait for each other.
- Not `scheduling_strategy="SPREAD"`: it is best effort, and tried here on a
  three-node `ray.cluster_utils.Cluster` it put two of three hosts on one
  node and none on the head, so neither the operator nor a test can count on
  where hosts are.
- Not a placement group: its bundles reserve resources, and a dead node's
  bundles must be placed again before their actors can restart (a
  `STRICT_SPREAD` group of three bundles on two surviving nodes never is),
  which adds a lifetime to manage and a way to stay down, for no gain over
  soft affinity.

Nodes without CPUs (a head kept free of work, as Ray advises for large
clusters) get no hosts: an actor needs a CPU to be scheduled. On one node
nothing is asked, so a local Ray places hosts exactly as before. A node that
joins later gets no hosts until one is restarted; `nodes()` shows where each
host is.

The network the hosts are built from is put in the object store once, by
the driver, on the driver's node: a restart anywhere fetches it from there.
Ray warns of this at start ("constructor arguments in the object store and
max_restarts > 0"): were the driver's node lost, the argument would be too,
but so would the hosts, which are the driver's actors and end with it.

Every node must reach the store the hosts rebuild from: a PostgreSQL URL on
a real cluster; a SQLite file only where all nodes share a disk (the raylets
of `ray.cluster_utils.Cluster` on one machine).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import ray
from ray.exceptions import RayActorError, RayTaskError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from cluster.bootstrap import start_ray
from runtime.agent_host import AgentFactory, AgentHost
from runtime.directory import AgentDirectory
from runtime.errors import HostCallError, HostUnavailableError
from runtime.placement import layout
from runtime.recovery import Recovery
from supplysync.network import Network
from supplysync.settings import RuntimeSettings

if TYPE_CHECKING:
    from agents.settings import AgentSettings

MAX_RESTARTS = 10
"""Ray brings a dead host back this many times, re-running its constructor:
with a `Recovery` its agents are rebuilt from the event store, else fresh."""

MAX_TASK_RETRIES = 2
"""Calls in flight when a host dies are retried on the restarted host.

Safe because agents drop duplicate readings by `(device_id, seq)`: a host
rebuilt from the store has already replayed the retried batch's readings
(they were stored before it was sent), and a host without one has lost its
state anyway.
"""


class _NodeAwareHost(AgentHost):
    """An `AgentHost` that can say which Ray node it runs on (Ray only, hence here)."""

    def node_id(self) -> str:
        return str(ray.get_runtime_context().get_node_id())


# Ray names the worker process after the class: `ray::AgentHost`, as operators look for it.
_NodeAwareHost.__name__ = _NodeAwareHost.__qualname__ = "AgentHost"

RemoteAgentHost = ray.remote(max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES)(
    _NodeAwareHost
)


def cpu_nodes() -> list[str]:
    """The ids of the live nodes that offer CPUs, in id order (the order `spread` deals in)."""
    nodes: list[dict[str, Any]] = ray.nodes()  # type: ignore[no-untyped-call]
    return sorted(
        str(n["NodeID"])
        for n in nodes
        if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) > 0
    )


def spread(index: int, nodes: Sequence[str]) -> dict[str, Any]:
    """The actor options placing host `index` over `nodes`: soft affinity, round robin.

    Empty (Ray's default placement) on fewer than two nodes.
    """
    if len(nodes) < 2:
        return {}
    strategy = NodeAffinitySchedulingStrategy(node_id=nodes[index % len(nodes)], soft=True)
    return {"scheduling_strategy": strategy}


class RayHostPool:
    """One `AgentHost` actor per layout entry; requires a running Ray (see `bootstrap`)."""

    def __init__(
        self,
        network: Network,
        layout: Sequence[Sequence[str]],
        agent_settings: AgentSettings | None = None,
        factory: AgentFactory | None = None,
        *,
        recovery: Recovery | None = None,
    ) -> None:
        # Held for the pool's life: Ray re-runs the constructor with it on restart.
        self._network_ref = ray.put(network)
        nodes = cpu_nodes()
        self._handles: list[Any] = [
            RemoteAgentHost.options(**spread(i, nodes)).remote(
                self._network_ref, list(ids), agent_settings, factory, recovery
            )
            for i, ids in enumerate(layout)
        ]

    @property
    def handles(self) -> list[Any]:
        """The actor handles, for tests that kill a host on purpose."""
        return list(self._handles)

    def __len__(self) -> int:
        return len(self._handles)

    def nodes(self) -> list[str]:
        """The Ray node id each host runs on now, in host order.

        Raises:
            HostUnavailableError: a host is dead and could not be restarted.
        """
        results: dict[int, str] = self.call("node_id", dict.fromkeys(range(len(self)), ()))
        return [results[i] for i in range(len(self))]

    def share(self, value: object) -> object:
        return ray.put(value)

    def call(self, method: str, args: Mapping[int, tuple[Any, ...]]) -> dict[int, Any]:
        refs = {i: getattr(self._handles[i], method).remote(*a) for i, a in args.items()}
        try:
            values = ray.get(list(refs.values()))
        except RayTaskError as exc:
            raise HostCallError(f"a host failed in {method}: {exc.cause!r}") from exc
        except RayActorError as exc:
            raise HostUnavailableError(f"a host died during {method}: {exc}") from exc
        return dict(zip(refs, values, strict=True))

    def close(self) -> None:
        for handle in self._handles:
            ray.kill(handle, no_restart=True)
        self._handles = []


class RayDirectory(AgentDirectory):
    """Agents on Ray host actors: an actor per asset or a few shards."""

    @classmethod
    def start(
        cls,
        network: Network,
        settings: RuntimeSettings,
        agent_settings: AgentSettings | None = None,
        *,
        factory: AgentFactory | None = None,
        store_url: str | None = None,
    ) -> Self:
        """Start host actors, first starting or joining Ray as `settings` say.

        `settings.resolved_placement` picks an actor per asset or
        `settings.shards` actors; `factory` replaces the real agents in tests.
        With `store_url`, hosts rebuild their agents from that event store
        (the live run's readings and snapshots) whenever they start or Ray
        restarts them, and snapshot them every `settings.snapshot_every`
        readings, every tick and every commit (runtime.recovery); every
        reading must be stored before it is ingested. None keeps nothing.
        """
        start_ray(settings)
        placement = settings.resolved_placement(len(network.asset_kinds()))
        recovery = (
            None
            if store_url is None
            else Recovery(store_url, snapshot_every=settings.snapshot_every)
        )
        return cls(
            network,
            arrange=partial(_arrange_by_settings, settings),
            spawn=partial(RayHostPool, recovery=recovery),
            agent_settings=agent_settings,
            factory=factory,
            placement=placement,
        )


def _arrange_by_settings(settings: RuntimeSettings, asset_ids: Sequence[str]) -> list[list[str]]:
    return layout(asset_ids, settings.resolved_placement(len(asset_ids)), settings.shards)
