"""`AgentHost`: a plain class that holds the agents of some assets.

The same class runs in-process (`InlineDirectory`) and as a Ray actor
(`cluster.hosts` applies `ray.remote` to it), so the per-asset, sharded and
inline layouts execute identical code. Every method takes a batch for many
assets, because a Ray call costs ~0.6 ms whatever it carries.

A reading that makes an agent raise must never take the host down: it is
turned into a `DeadLetter` and the rest of the batch still goes through.

Given a `Recovery`, the host rebuilds its agents from the event store
whenever it builds them (construction, which Ray repeats on a restart, and
`reset`) and snapshots them as it goes (runtime.recovery); without one it
keeps nothing and starts fresh.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agents.base import Agent, Offer
from agents.states import state_json
from runtime.recovery import Journal, Recovery
from supplysync.commands import AssignmentResponse, Command
from supplysync.deadletters import DeadLetter, agent_letter
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.snapshots import log_order

if TYPE_CHECKING:
    from agents.settings import AgentSettings

AgentFactory = Callable[[str, Network, "AgentSettings | None"], Agent]
"""Builds one asset's agent; `agents.factory.build_agent` unless a test swaps it."""

MAX_DEAD_LETTERS = 10_000
"""Dead letters kept per host; older ones are dropped so a noisy device cannot exhaust memory."""


def default_factory() -> AgentFactory:
    """The real agent factory, imported late so `runtime` loads without it."""
    from agents.factory import build_agent

    return build_agent


class AgentHost:
    """The agents of the assets assigned to one host, keyed by asset id."""

    def __init__(
        self,
        network: Network,
        asset_ids: Sequence[str],
        agent_settings: AgentSettings | None = None,
        factory: AgentFactory | None = None,
        recovery: Recovery | None = None,
    ) -> None:
        self._factory = factory or default_factory()
        self._settings = agent_settings
        self._recovery = recovery
        self._journal: Journal | None = None
        self._agents: dict[str, Agent] = {}
        self._dead: deque[DeadLetter] = deque(maxlen=MAX_DEAD_LETTERS)
        self.reset(network, asset_ids)

    def reset(self, network: Network, asset_ids: Sequence[str]) -> None:
        """Build every agent anew, so a new run can reuse this host.

        Fresh agents without a `Recovery`; with one, the agents the store
        holds: latest snapshot plus replay of the readings after it, through
        `ingest`, so a reading that failed live fails again into the dead
        letters. The replay's alerts go to the store, not to any caller
        (`Journal.record` says why).
        """

        def build(asset_id: str) -> Agent:
            return self._factory(asset_id, network, self._settings)

        self._agents = {a: build(a) for a in asset_ids}
        self._dead.clear()
        self._journal = None
        if self._recovery is None:
            return
        journal = Journal(self._recovery)
        replay = journal.restore(self._agents, build)
        self._journal = journal
        replay = {a: readings for a, readings in replay.items() if readings}
        if replay:
            last = max(r.ts for readings in replay.values() for r in readings)
            journal.record(self.ingest(replay, last))

    def ingest(self, batch: Mapping[str, Sequence[Reading]], now: datetime) -> list[Alert]:
        """Fold each asset's readings into its agent; return the alerts raised.

        A batch that makes an agent raise is replayed one reading at a time so
        that only the offending readings become dead letters. Readings the
        failed call had already folded in are dropped on replay as duplicates
        by the agent's `(device_id, seq)` rule. With a store, each agent takes
        its readings in log order, as replay will give them, and agents that
        have taken `snapshot_every` readings since their last snapshot get a
        new one.
        """
        journal = self._journal
        if journal is None:
            return self._ingest(batch, now)
        batch = {a: sorted(readings, key=log_order) for a, readings in batch.items()}
        alerts = self._ingest(batch, now)
        due = journal.count(batch)
        if due:
            journal.save([self._agents[a] for a in due], now)
        return alerts

    def _ingest(self, batch: Mapping[str, Sequence[Reading]], now: datetime) -> list[Alert]:
        alerts: list[Alert] = []
        for asset_id, readings in batch.items():
            agent = self._agents.get(asset_id)
            if agent is None:
                self._bury(asset_id, "no agent for this asset on this host", readings, now)
                continue
            try:
                alerts.extend(agent.ingest(readings, now))
            except Exception:
                alerts.extend(self._ingest_each(agent, readings, now))
        return alerts

    def _ingest_each(self, agent: Agent, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        alerts: list[Alert] = []
        for reading in readings:
            try:
                alerts.extend(agent.ingest([reading], now))
            except Exception as exc:
                self._bury(agent.asset_id, f"{type(exc).__name__}: {exc}", [reading], now)
        return alerts

    def _bury(self, asset_id: str, reason: str, readings: Sequence[Reading], now: datetime) -> None:
        for reading in readings:
            self._dead.append(agent_letter(reading, reason, now))

    def tick(self, now: datetime) -> list[Alert]:
        """Run every agent's time-driven checks (e.g. a silent sensor).

        With a store, every agent is snapshotted afterwards: what a tick
        latches depends on the clock, which no stored reading can replay.
        """
        alerts = [alert for agent in self._agents.values() for alert in agent.tick(now)]
        if self._journal is not None:
            self._journal.save(self._agents.values(), now)
        return alerts

    def offers(self, window: PlanningWindow, now: datetime) -> list[Offer]:
        """Every agent's offer for `window`, in this host's asset order."""
        return [agent.offer(window, now) for agent in self._agents.values()]

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        """Each command's agent accepts or rejects it, in command order.

        An agent that raises rejects: the coordinator then replans without it,
        which is the safe outcome for a plan nobody could check.
        """
        return [self._review_one(command) for command in commands]

    def _review_one(self, command: Command) -> AssignmentResponse:
        try:
            return self._agents[command.asset_id].review(command)
        except Exception as exc:
            return AssignmentResponse(
                asset_id=command.asset_id,
                plan_id=command.plan_id,
                accepted=False,
                reason=f"review failed: {type(exc).__name__}: {exc}",
            )

    def commit(self, commands: Sequence[Command]) -> None:
        """Record accepted, dispatched commands as the agents' commitments.

        With a store, the committed agents are snapshotted before this
        returns, and a snapshot that cannot be written raises `StoreError`:
        the snapshot is the commitment's only durable record on this side.
        """
        for command in commands:
            self._agents[command.asset_id].commit(command)
        if self._journal is not None and commands:
            committed = dict.fromkeys(c.asset_id for c in commands)
            issued = max(c.issued_at for c in commands)
            self._journal.save([self._agents[a] for a in committed], issued, required=True)

    def states(self) -> dict[str, dict[str, Any]]:
        """Each agent's state as JSON, keyed by asset id."""
        return {asset_id: state_json(agent.state()) for asset_id, agent in self._agents.items()}

    def dead_letters(self) -> list[DeadLetter]:
        """The readings this host could not fold in since the last reset, oldest first."""
        return list(self._dead)

    def pid(self) -> int:
        """The host's process id, for measuring its memory from outside."""
        return os.getpid()
