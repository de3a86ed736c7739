"""The seam between the directory and its hosts.

`AgentDirectory` talks to hosts only through a `HostPool`: issue one method
call on many hosts, then gather the answers. `RayHostPool` (in
`cluster.hosts`, the one module holding actor handles) is the real one;
`LocalHostPool` runs the same `AgentHost` objects in this process, for the
inline directory and for tests that must not start Ray.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from runtime.agent_host import AgentFactory, AgentHost
from runtime.errors import HostCallError
from runtime.recovery import Recovery
from supplysync.network import Network

if TYPE_CHECKING:
    from agents.settings import AgentSettings


class HostPool(Protocol):
    """A fixed list of hosts addressed by index."""

    def __len__(self) -> int: ...

    def share(self, value: object) -> object:
        """Something to pass as a call argument to many hosts, serialised at most once."""
        ...

    def call(self, method: str, args: Mapping[int, tuple[Any, ...]]) -> dict[int, Any]:
        """Call `method` on each host in `args`, all issued before any is awaited.

        Raises:
            HostCallError: a host method raised.
            HostUnavailableError: a host died and could not answer.
        """
        ...

    def close(self) -> None:
        """Release the hosts; the pool is unusable afterwards."""
        ...


PoolFactory = Callable[
    [Network, Sequence[Sequence[str]], "AgentSettings | None", "AgentFactory | None"], HostPool
]
"""Creates a pool with one host per entry of the layout."""


class LocalHostPool:
    """Hosts as plain objects in this process: no serialisation, no Ray.

    With a `recovery`, its hosts rebuild their agents from the event store
    and snapshot them, as Ray hosts do (a restarted live process recovers).
    """

    def __init__(
        self,
        network: Network,
        layout: Sequence[Sequence[str]],
        agent_settings: AgentSettings | None = None,
        factory: AgentFactory | None = None,
        *,
        recovery: Recovery | None = None,
    ) -> None:
        self._hosts = [AgentHost(network, ids, agent_settings, factory, recovery) for ids in layout]

    def __len__(self) -> int:
        return len(self._hosts)

    def share(self, value: object) -> object:
        return value

    def call(self, method: str, args: Mapping[int, tuple[Any, ...]]) -> dict[int, Any]:
        results: dict[int, Any] = {}
        for index, call_args in args.items():
            try:
                results[index] = getattr(self._hosts[index], method)(*call_args)
            except Exception as exc:
                raise HostCallError(f"host {index}.{method} failed: {exc}") from exc
        return results

    def close(self) -> None:
        self._hosts = []
