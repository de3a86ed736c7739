"""Assets: the live state of every supplier, machine, warehouse and vehicle, and its history."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict

from adapters.store import EventStore
from api.context import Context
from api.deps import ContextDep, RangeDep, StoreDep, TimeRange, ViewerUser, network_of
from reads.assets import AssetPublic, asset_states
from reads.machine_health import HealthPoint, health_series
from supplysync.events import Alert
from supplysync.readings import Reading

router = APIRouter(prefix="/assets", tags=["assets"])

AssetId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
MAX_READINGS = 10_000


class AssetHistory(BaseModel):
    """An asset's readings and alerts over a range (readings capped at `MAX_READINGS`).

    `health` is a machine's health estimate after each running vibration
    reading of the range, as its agent made it (`reads.machine_health`;
    capped like the readings); empty for other assets.
    """

    model_config = ConfigDict(frozen=True)

    asset_id: str
    readings: list[Reading]
    alerts: list[Alert]
    truncated: bool
    health: list[HealthPoint] = []


@router.get("", response_model=list[AssetPublic])
def list_assets(_: ViewerUser, context: ContextDep, store: StoreDep) -> list[AssetPublic]:
    """Every asset with its latest offer and readings."""
    settings = context.settings
    return asset_states(
        store,
        context.network,
        run_id=settings.run_id,
        now=context.clock.now(),
        lookback=timedelta(hours=settings.state_lookback_h),
    )


@router.get("/{asset_id}", response_model=AssetPublic)
def get_asset(
    asset_id: AssetId, _: ViewerUser, context: ContextDep, store: StoreDep
) -> AssetPublic:
    """One asset's live state."""
    for asset in list_assets(_, context, store):
        if asset.asset_id == asset_id:
            return asset
    raise HTTPException(status.HTTP_404_NOT_FOUND, f"no asset {asset_id!r}")


@router.get("/{asset_id}/history", response_model=AssetHistory)
def asset_history(
    asset_id: AssetId, _: ViewerUser, context: ContextDep, store: StoreDep, span: RangeDep
) -> AssetHistory:
    """An asset's readings and alerts in `[since, until)`, oldest first; a machine's health."""
    run_id = context.settings.run_id
    readings = store.readings(asset_id, span.since, span.until, run_id=run_id)
    health = _health(asset_id, readings, context, store, span)
    alerts = store.alerts(span.since, span.until, asset_id, run_id=run_id)
    return AssetHistory(
        asset_id=asset_id,
        readings=readings[-MAX_READINGS:],
        alerts=alerts,
        truncated=len(readings) > MAX_READINGS or len(health) > MAX_READINGS,
        health=health[-MAX_READINGS:],
    )


def _health(
    asset_id: str, readings: list[Reading], context: Context, store: EventStore, span: TimeRange
) -> list[HealthPoint]:
    """A machine's health series over the range; empty for any other asset.

    Only an asset with vibration in the range can have points, so no other
    pays for the network's lookup. The replay starts `state_lookback_h`
    before `since`: the health at `since` depends on the running readings
    before it.
    """
    if not any(r.kind == "vibration" for r in readings):
        return []
    network = network_of(store, context)
    if network is None or all(m.id != asset_id for m in network.machines):
        return []
    settings = context.settings
    warmup = store.readings(
        asset_id,
        span.since - timedelta(hours=settings.state_lookback_h),
        span.since,
        run_id=settings.run_id,
    )
    return health_series(
        asset_id, network, [*warmup, *readings], since=span.since, planning=context.planning
    )
