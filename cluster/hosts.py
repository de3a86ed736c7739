"""Agent hosts as Ray actors: the only module that holds actor handles.

`ray.remote` is applied here, once, to the plain `AgentHost` class, and every
handle call goes through `RayHostPool.call`, so the rest of `cluster/` (and
its tests) sees only the `HostPool` seam.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ray
from ray.exceptions import RayActorError, RayTaskError

from cluster.agent_host import AgentFactory, AgentHost
from cluster.errors import HostCallError, HostUnavailableError
from cluster.recovery import Recovery
from supplysync.network import Network

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

RemoteAgentHost = ray.remote(max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES)(
    AgentHost
)


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
        self._handles: list[Any] = [
            RemoteAgentHost.remote(self._network_ref, list(ids), agent_settings, factory, recovery)
            for ids in layout
        ]

    @property
    def handles(self) -> list[Any]:
        """The actor handles, for tests that kill a host on purpose."""
        return list(self._handles)

    def __len__(self) -> int:
        return len(self._handles)

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
