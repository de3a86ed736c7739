"""Alerts: what agents tell the rest of the system.

Agents never call each other; they emit alerts. The coordinator decides which
kinds are significant enough to trigger a replan, and the event store keeps
every one, so a plan can be traced back to the alerts that caused it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from supplysync.network import Id

AssetKind = Literal["supplier", "machine", "warehouse", "vehicle"]


class AlertKind(StrEnum):
    THRESHOLD = "threshold"
    TREND = "trend"
    PREDICTED_FAILURE = "predicted_failure"
    MACHINE_DOWN = "machine_down"
    MACHINE_RESTORED = "machine_restored"
    COLD_CHAIN_EXCURSION = "cold_chain_excursion"
    ROUTE_DEVIATION = "route_deviation"
    ETA_SLIP = "eta_slip"
    LATE_SHIPMENT = "late_shipment"
    BELOW_REORDER_POINT = "below_reorder_point"
    NEAR_CAPACITY = "near_capacity"
    SENSOR_SILENT = "sensor_silent"
    SEQUENCE_GAP = "sequence_gap"
    HARSH_DRIVING = "harsh_driving"
    DOOR_OPEN = "door_open"
    DEMAND_SPIKE = "demand_spike"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Alert(BaseModel):
    """Something an agent noticed.

    `alert_id` is deterministic (asset, kind and the reading or time that
    raised it) so that replaying the same readings yields the same alerts and
    a store can write them idempotently.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    alert_id: str
    asset_id: Id
    asset_kind: AssetKind
    kind: AlertKind
    severity: Severity
    ts: AwareDatetime
    message: str
    data: dict[str, float | int | str | bool] = Field(default_factory=dict)
