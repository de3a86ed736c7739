"""The ingest loop every agent kind shares.

Subclasses fold one admitted reading at a time into their state in `_apply`
and add time-driven checks in `_check_time`; the loop here drops readings of
other assets and duplicates, and collects the alerts. Per-reading work stays
small: no model construction, no copies of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker
from agents.sensors import DeviceTracker
from agents.settings import AgentSettings
from supplysync.events import Alert, AssetKind
from supplysync.readings import Reading


class AgentCore:
    """Device tracking, alert stamping and the ingest/tick loops."""

    asset_id: str
    kind: AssetKind

    def __init__(self, asset_id: str, kind: AssetKind, settings: AgentSettings | None) -> None:
        self.asset_id = asset_id
        self.kind = kind
        self.settings = settings or AgentSettings()
        self._alert = AlertMaker(asset_id, kind)
        self._devices = DeviceTracker(self._alert, timedelta(minutes=self.settings.silence_minutes))

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
