"""The ingest loop and the snapshots every agent kind shares.

A kind keeps what it learns in `memory`, a frozen record (agents.memory)
that its pure step function replaces for each admitted reading in `_apply`
and at time-driven checks in `_check_time`; the loop here drops readings of
other assets and duplicates, and collects the alerts. Per-reading work stays
small: a step replaces the record by a shallow copy (`Memory.replace`, no
validation), and the most it copies is a machine's trend window.

Snapshots: `snapshot()` writes the device bookkeeping plus the memory's JSON
dump, `restore()` validates it back into a freshly built agent of the same
asset, so that restoring and then ingesting the readings after `position()`
gives the agent that ingesting everything would have. Each kind names its
snapshot format, and the older formats it still reads with the function that
turns one into the current (`upgrades`); a snapshot of another kind or of a
format it cannot read is refused with ValueError and the caller falls back
to a full replay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from agents.alerts import AlertMaker
from agents.memory import Memory
from agents.sensors import DeviceTracker
from agents.settings import AgentSettings
from agents.states import DeviceState
from supplysync.events import Alert, AssetKind
from supplysync.network import Network
from supplysync.readings import Reading
from supplysync.snapshots import ReadingPosition

M = TypeVar("M", bound=Memory)
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the memory JSON of an older snapshot format into the current format's."""


class AgentCore(Generic[M]):
    """Device tracking, alert stamping, the ingest/tick loops and snapshots.

    A kind sets `memory` to its initial record in its constructor.
    """

    asset_id: str
    kind: AssetKind
    memory: M
    snapshot_format = 1
    """Bumped by a kind whenever its memory's JSON changes shape or meaning."""
    upgrades: ClassVar[Mapping[int, Upgrade]] = {}
    """The older formats still read, each with its upgrade."""

    def __init__(
        self, asset_id: str, kind: AssetKind, network: Network, settings: AgentSettings | None
    ) -> None:
        self.asset_id = asset_id
        self.kind = kind
        self.settings = settings or AgentSettings()
        self._alert = AlertMaker(asset_id, kind)
        s = self.settings
        self._devices = DeviceTracker(
            self._alert,
            timedelta(minutes=s.silence_minutes),
            timedelta(minutes=s.gap_grace_minutes),
            {d.id: d.first_seq for d in network.devices if d.asset_id == asset_id},
        )

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        """Fold a batch of this asset's readings into its state; return new alerts.

        Readings naming another asset are ignored: routing is ingest's job,
        and a misrouted reading must not corrupt this asset's state.
        """
        alerts: list[Alert] = []
        admit, apply, me = self._devices.admit, self._apply, self.asset_id
        for reading in readings:
            if reading.asset_id == me and admit(reading, alerts):
                apply(reading, alerts)
        self._after_batch(now, alerts)
        return alerts

    def tick(self, now: datetime) -> list[Alert]:
        """Time-driven checks: silent sensors, then the kind's own."""
        alerts = self._devices.tick(now)
        self._check_time(now, alerts)
        return alerts

    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        """Fold one new reading into the memory (override)."""

    def _after_batch(self, now: datetime, alerts: list[Alert]) -> None:
        """Work worth doing once per batch rather than per reading (override)."""

    def _check_time(self, now: datetime, alerts: list[Alert]) -> None:
        """Checks that need no reading, only the time (override)."""

    def _devices_state(self) -> dict[str, DeviceState]:
        return self._devices.state()

    def position(self) -> ReadingPosition:
        """The readings folded in so far: what a snapshot taken now covers."""
        return self._devices.position()

    def snapshot(self) -> dict[str, Any]:
        """The whole mutable state as JSON (settings and network are not state)."""
        return {
            "kind": self.kind,
            "format": self.snapshot_format,
            "devices": self._devices.snapshot(),
            "agent": self.memory.model_dump(mode="json"),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote; call it on a freshly built agent.

        Raises:
            ValueError: the snapshot is of another kind or a format this code
                does not read, or malformed; the agent is then half restored
                and must be discarded.
        """
        kind, found = state.get("kind"), state.get("format")
        current = self.snapshot_format
        upgrade = self.upgrades.get(found) if isinstance(found, int) else None
        if kind != self.kind or (found != current and upgrade is None):
            readable = ", ".join(str(f) for f in sorted({current, *self.upgrades}))
            raise ValueError(
                f"{self.asset_id}: snapshot is {kind} format {found}, "
                f"expected {self.kind} format {readable}"
            )
        try:
            self._devices.restore(state["devices"])
            data = state["agent"] if upgrade is None else upgrade(state["agent"])
            self.memory = type(self.memory).model_validate(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{self.asset_id}: malformed snapshot: {exc!r}") from exc
