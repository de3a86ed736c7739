"""Building alerts with deterministic ids.

An alert id is the asset, the alert kind and a key naming what raised it (a
device and its sequence number, a product, a route stop), so replaying the
same readings yields the same ids and the event store writes them once.
"""

from __future__ import annotations

from datetime import datetime

from supplysync.events import Alert, AlertKind, AssetKind, Severity

AlertData = dict[str, float | int | str | bool]


class AlertMaker:
    """Stamps alerts with one asset's id and kind."""

    __slots__ = ("asset_id", "asset_kind")

    def __init__(self, asset_id: str, asset_kind: AssetKind) -> None:
        self.asset_id = asset_id
        self.asset_kind: AssetKind = asset_kind

    def __call__(
        self,
        kind: AlertKind,
        severity: Severity,
        ts: datetime,
        key: str,
        message: str,
        *,
        data: AlertData | None = None,
    ) -> Alert:
        """An alert whose id is `{asset}:{kind}:{key}`."""
        return Alert(
            alert_id=f"{self.asset_id}:{kind.value}:{key}",
            asset_id=self.asset_id,
            asset_kind=self.asset_kind,
            kind=kind,
            severity=severity,
            ts=ts,
            message=message,
            data=data or {},
        )


def reading_key(device_id: str, seq: int) -> str:
    """The id key of an alert raised by one reading."""
    return f"{device_id}:{seq}"
