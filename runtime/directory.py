"""The one facade through which the rest of the system talks to agents.

Whatever the placement (an actor per asset, a few sharded actors, or plain
objects in this process), callers see the same `Directory`: batches in,
alerts, offers and answers out. The directory groups work by owning host and
sends one call per host per operation, issuing all calls before awaiting any.
Results come back in an order that does not depend on the placement (alerts
by time then asset, everything else by the network's asset order), so the
same readings give the same output in every layout.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

from agents.base import Offer
from runtime.agent_host import MAX_DEAD_LETTERS, AgentFactory
from runtime.errors import UnknownAssetError
from runtime.pool import HostPool, LocalHostPool, PoolFactory
from runtime.recovery import Recovery
from supplysync.commands import AssignmentResponse, Command
from supplysync.deadletters import DeadLetter, agent_letter
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.settings import RuntimeSettings

if TYPE_CHECKING:
    from agents.settings import AgentSettings

Arrange = Callable[[Sequence[str]], list[list[str]]]
"""Splits a network's asset ids into the asset ids of each host."""


class Directory(Protocol):
    """What the coordinator, the API and research runs need from the agents."""

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]: ...
    def tick(self, now: datetime) -> list[Alert]: ...
    def offers(self, window: PlanningWindow, now: datetime) -> list[Offer]: ...
    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]: ...
    def commit(self, commands: Sequence[Command]) -> None: ...
    def states(self) -> dict[str, dict[str, Any]]: ...
    def dead_letters(self) -> list[DeadLetter]: ...
    def reset(self, network: Network) -> None: ...
    def close(self) -> None: ...


class AgentDirectory:
    """Agents spread over a pool of hosts, addressed by asset id.

    Build one with `InlineDirectory.start` (this process) or
    `cluster.hosts.RayDirectory.start` (Ray actors); the constructor is the
    seam for tests that bring their own `spawn` pool.
    """

    def __init__(
        self,
        network: Network,
        *,
        arrange: Arrange,
        spawn: PoolFactory,
        agent_settings: AgentSettings | None = None,
        factory: AgentFactory | None = None,
        placement: str = "custom",
    ) -> None:
        self.placement = placement
        self.host_calls = 0
        self._arrange, self._spawn = arrange, spawn
        self._agent_settings, self._factory = agent_settings, factory
        self._dead: deque[DeadLetter] = deque(maxlen=MAX_DEAD_LETTERS)
        self._layout = arrange(list(network.asset_kinds()))
        self._pool: HostPool = spawn(network, self._layout, agent_settings, factory)
        self._route(network)
        self.pids()  # waits until every host is up, so start-up errors surface here

    @property
    def host_count(self) -> int:
        return len(self._pool)

    @property
    def pool(self) -> HostPool:
        """The hosts behind this directory, for tests and benchmarks that look inside."""
        return self._pool

    @property
    def asset_ids(self) -> list[str]:
        return list(self._order)

    def _route(self, network: Network) -> None:
        self._owner = {a: host for host, ids in enumerate(self._layout) for a in ids}
        self._order = list(network.asset_kinds())

    def _call(self, method: str, args: dict[int, tuple[Any, ...]]) -> dict[int, Any]:
        self.host_calls += len(args)
        return self._pool.call(method, args)

    def _everyone(self, *args: Any) -> dict[int, tuple[Any, ...]]:
        return dict.fromkeys(range(len(self._pool)), args)

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        """Deliver readings to their agents in one call per host; return new alerts.

        A reading for an asset outside the network becomes a dead letter.
        """
        batches: dict[int, dict[str, list[Reading]]] = {}
        for reading in readings:
            host = self._owner.get(reading.asset_id)
            if host is None:
                self._dead.append(_unknown(reading, now))
                continue
            batches.setdefault(host, {}).setdefault(reading.asset_id, []).append(reading)
        results = self._call("ingest", {h: (batch, now) for h, batch in batches.items()})
        return _by_time(results.values())

    def tick(self, now: datetime) -> list[Alert]:
        """Run every agent's time-driven checks; return new alerts."""
        return _by_time(self._call("tick", self._everyone(now)).values())

    def offers(self, window: PlanningWindow, now: datetime) -> list[Offer]:
        """Every agent's offer for `window`, in the network's asset order."""
        results: dict[int, list[Offer]] = self._call("offers", self._everyone(window, now))
        by_asset = {
            a: offer
            for host, offers in results.items()
            for a, offer in zip(self._layout[host], offers, strict=True)
        }
        return [by_asset[a] for a in self._order]

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        """Each command's agent accepts or rejects it; answers in command order.

        Raises:
            UnknownAssetError: a command names an asset outside the network.
        """
        positions = self._positions(commands)
        args = {h: ([commands[i] for i in pos],) for h, pos in positions.items()}
        results: dict[int, list[AssignmentResponse]] = self._call("review", args)
        answers: dict[int, AssignmentResponse] = {}
        for host, pos in positions.items():
            answers.update(zip(pos, results[host], strict=True))
        return [answers[i] for i in range(len(commands))]

    def commit(self, commands: Sequence[Command]) -> None:
        """Record dispatched commands with their agents.

        Raises:
            UnknownAssetError: a command names an asset outside the network.
        """
        positions = self._positions(commands)
        self._call("commit", {h: ([commands[i] for i in pos],) for h, pos in positions.items()})

    def _positions(self, commands: Sequence[Command]) -> dict[int, list[int]]:
        positions: dict[int, list[int]] = {}
        for i, command in enumerate(commands):
            host = self._owner.get(command.asset_id)
            if host is None:
                raise UnknownAssetError(f"command {command.command_id} names {command.asset_id!r}")
            positions.setdefault(host, []).append(i)
        return positions

    def states(self) -> dict[str, dict[str, Any]]:
        """Every agent's state, keyed by asset id in the network's asset order."""
        results: dict[int, dict[str, dict[str, Any]]] = self._call("states", self._everyone())
        merged = {a: state for states in results.values() for a, state in states.items()}
        return {a: merged[a] for a in self._order}

    def dead_letters(self) -> list[DeadLetter]:
        """Readings no agent could fold in since the last reset, oldest first."""
        results: dict[int, list[DeadLetter]] = self._call("dead_letters", self._everyone())
        letters = [*self._dead, *(d for host in sorted(results) for d in results[host])]
        return sorted(letters, key=lambda d: d.at)

    def pids(self) -> list[int]:
        """The process id of every host, in host order."""
        results: dict[int, int] = self._call("pid", self._everyone())
        return [results[h] for h in range(len(self._pool))]

    def reset(self, network: Network) -> None:
        """Fresh agents for `network`, reusing the hosts when the host count allows."""
        new_layout = self._arrange(list(network.asset_kinds()))
        if len(new_layout) == len(self._pool):
            shared = self._pool.share(network)
            self._call("reset", {h: (shared, ids) for h, ids in enumerate(new_layout)})
        else:
            self._pool.close()
            self._pool = self._spawn(network, new_layout, self._agent_settings, self._factory)
        self._layout = new_layout
        self._route(network)
        self._dead.clear()

    def close(self) -> None:
        """Stop the hosts; the directory is unusable afterwards."""
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class InlineDirectory(AgentDirectory):
    """All agents on one in-process host: no Ray, for unit tests and quick research runs."""

    @classmethod
    def start(
        cls,
        network: Network,
        settings: RuntimeSettings | None = None,
        agent_settings: AgentSettings | None = None,
        *,
        factory: AgentFactory | None = None,
        store_url: str | None = None,
    ) -> Self:
        """Agents in this process; of `settings` only `snapshot_every` is read.

        With `store_url` the host rebuilds its agents from that event store
        when it starts and snapshots them, as Ray hosts do.
        """
        recovery = (
            None
            if store_url is None
            else Recovery(store_url, snapshot_every=(settings or RuntimeSettings()).snapshot_every)
        )
        return cls(
            network,
            arrange=lambda ids: [list(ids)],
            spawn=partial(LocalHostPool, recovery=recovery),
            agent_settings=agent_settings,
            factory=factory,
            placement="inline",
        )


def _by_time(batches: Iterable[list[Alert]]) -> list[Alert]:
    """Alerts by time then asset; a stable sort keeps each agent's own order."""
    return sorted((a for batch in batches for a in batch), key=lambda a: (a.ts, a.asset_id))


def _unknown(reading: Reading, now: datetime) -> DeadLetter:
    return agent_letter(reading, "no asset with this id in the network", now)
