"""Agents that survive their host: snapshots in the event store, replay on start.

A host given a `Recovery` always rebuilds its agents from the store when it
is constructed or reset: each agent takes its latest snapshot, then ingests
the readings stored after the position that snapshot covers. Always, rather
than only when Ray reports a reconstruction
(`was_current_actor_reconstructed`): a first start meets an empty store and
builds fresh agents anyway, and a whole system restarted after a crash (new
actors, old store) must recover just the same, which a Ray flag cannot see.

Replay is exact only if every reading reaches the store before any agent
ingests it; live ingest writes first, research runs keep no store.
Readings replay in log order (`EventStore.readings_after`), so the rebuilt
state is the state the live agent had.

What readings do not carry is captured by snapshots taken when it happens:
after every tick (silence and door latches depend on the clock) and after
every commit (the accepted plan), besides every `snapshot_every` readings of
an asset to bound the replay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from adapters.store import LIVE_RUN, StoreError, open_store
from agents.base import Agent
from supplysync.events import Alert
from supplysync.readings import Reading
from supplysync.snapshots import AgentSnapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recovery:
    """Where a host's agents are snapshotted and their readings found.

    Attributes:
        store_url: the event store (`open_store` URL forms).
        run_id: the run whose readings and snapshots these are.
        snapshot_every: readings of one asset between two snapshots of it.
    """

    store_url: str
    run_id: str = LIVE_RUN
    snapshot_every: int = 1000

    def __post_init__(self) -> None:
        if not 1 <= self.snapshot_every <= 10_000_000:
            raise ValueError(
                f"Expected 1 <= snapshot_every <= 10000000, got {self.snapshot_every}."
            )


class Journal:
    """The snapshot bookkeeping of one host: generations and readings since the last.

    The store is opened per operation, not held: a snapshot is rare next to a
    reading, and a fresh connection survives a database restart that would
    leave a held one broken.
    """

    def __init__(self, recovery: Recovery) -> None:
        self.recovery = recovery
        self._generation: dict[str, int] = {}
        self._unsaved: dict[str, int] = {}

    def restore(
        self, agents: dict[str, Agent], rebuild: Callable[[str], Agent]
    ) -> dict[str, list[Reading]]:
        """Restore each agent from its latest snapshot; return what is left to replay.

        A snapshot the agent refuses (another kind, an older format) is
        logged and skipped, and that agent is rebuilt from the whole log.
        """
        replay: dict[str, list[Reading]] = {}
        run_id = self.recovery.run_id
        with open_store(self.recovery.store_url) as store:
            for asset_id, agent in list(agents.items()):
                snapshot = store.latest_snapshot(asset_id, run_id=run_id)
                if snapshot is not None and not _restored(agent, snapshot):
                    agents[asset_id] = rebuild(asset_id)
                    snapshot = None
                position = None if snapshot is None else snapshot.position
                self._generation[asset_id] = 0 if snapshot is None else snapshot.generation
                replay[asset_id] = store.readings_after(asset_id, position, run_id=run_id)
        return replay

    def count(self, batch: Mapping[str, Sequence[Reading]]) -> list[str]:
        """Note readings handed to agents; the assets now due for a snapshot."""
        due = []
        for asset_id, readings in batch.items():
            if asset_id in self._generation:
                unsaved = self._unsaved.get(asset_id, 0) + len(readings)
                self._unsaved[asset_id] = unsaved
                if unsaved >= self.recovery.snapshot_every:
                    due.append(asset_id)
        return due

    def save(self, agents: Iterable[Agent], now: datetime, *, required: bool = False) -> None:
        """Write a snapshot of each agent, all in one transaction.

        Raises:
            StoreError: only when `required`; otherwise a failed write is
                logged and the agents stay due, so the next chance retries.
                Readings are in the log whatever happens to a snapshot, so a
                lost one only lengthens the next replay; a commit's is the
                one record of the commitment, hence required.
        """
        snapshots = [
            AgentSnapshot(
                asset_id=agent.asset_id,
                asset_kind=agent.kind,
                generation=self._generation[agent.asset_id] + 1,
                taken_at=now,
                position=agent.position(),
                state=agent.snapshot(),
            )
            for agent in agents
        ]
        try:
            with open_store(self.recovery.store_url) as store:
                store.save_snapshots(snapshots, run_id=self.recovery.run_id)
        except StoreError as exc:
            if required:
                raise
            log.warning("agent snapshots not written, retried later: %s", exc)
            return
        for s in snapshots:
            self._generation[s.asset_id] = s.generation
            self._unsaved[s.asset_id] = 0

    def record(self, alerts: Sequence[Alert]) -> None:
        """Append alerts raised by a replay to the store, where alert ids make it idempotent.

        Replayed alerts are not returned to any caller: each was returned when
        its reading was first ingested, and raising it again would trigger
        replans for conditions long dealt with. But the batch a host was
        ingesting when it died returned nothing, and Ray's retry of that call
        finds its readings already replayed; recording here keeps those
        alerts in the log (the ones already there are skipped by id).
        """
        if not alerts:
            return
        try:
            with open_store(self.recovery.store_url) as store:
                store.append(alerts, run_id=self.recovery.run_id)
        except StoreError as exc:
            log.warning("%d replayed alerts not recorded: %s", len(alerts), exc)


def _restored(agent: Agent, snapshot: AgentSnapshot) -> bool:
    try:
        agent.restore(snapshot.state)
    except ValueError as exc:
        log.warning(
            "%s: snapshot %d unusable, replaying the whole log: %s",
            snapshot.asset_id,
            snapshot.generation,
            exc,
        )
        return False
    return True
