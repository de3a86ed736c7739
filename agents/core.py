"""The ingest loop every agent kind shares.

Subclasses fold one admitted reading at a time into their state in `_apply`
and add time-driven checks in `_check_time`; the loop here drops readings of
other assets and duplicates, and collects the alerts. Per-reading work stays
small: no model construction, no copies of history.

Snapshots: `snapshot()` writes the device bookkeeping plus the kind's own
state (`_snapshot_state`), `restore()` reads it back into a freshly built
agent of the same asset, so that restoring and then ingesting the readings
after `position()` gives the agent that ingesting everything would have.
Each kind names its snapshot format; a snapshot of another kind or format
is refused with ValueError and the caller falls back to a full replay.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker
from agents.sensors import DeviceTracker
from agents.settings import AgentSettings
from supplysync.events import Alert, AssetKind
from supplysync.network import Network
from supplysync.readings import Reading
from supplysync.snapshots import ReadingPosition


class AgentCore:
    """Device tracking, alert stamping, the ingest/tick loops and snapshots."""

    asset_id: str
    kind: AssetKind
    snapshot_format = 1
    """Bumped by a kind whenever its `_snapshot_state` changes shape or meaning."""

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
        """Fold one new reading into the state (override)."""

    def _after_batch(self, now: datetime, alerts: list[Alert]) -> None:
        """Work worth doing once per batch rather than per reading (override)."""

    def _check_time(self, now: datetime, alerts: list[Alert]) -> None:
        """Checks that need no reading, only the time (override)."""

    def _devices_state(self) -> dict[str, Any]:
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
            "agent": self._snapshot_state(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote; call it on a freshly built agent.

        Raises:
            ValueError: the snapshot is of another kind or format, or malformed;
                the agent is then half restored and must be discarded.
        """
        found = (state.get("kind"), state.get("format"))
        if found != (self.kind, self.snapshot_format):
            raise ValueError(
                f"{self.asset_id}: snapshot is {found[0]} format {found[1]}, "
                f"expected {self.kind} format {self.snapshot_format}"
            )
        try:
            self._devices.restore(state["devices"])
            self._restore_state(state["agent"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{self.asset_id}: malformed snapshot: {exc!r}") from exc

    def _snapshot_state(self) -> dict[str, Any]:
        """The kind's own mutable state as JSON (override)."""
        return {}

    def _restore_state(self, data: dict[str, Any]) -> None:
        """Take back what `_snapshot_state` wrote (override)."""
