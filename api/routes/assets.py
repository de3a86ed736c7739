"""Assets: the live state of every supplier, machine, warehouse and vehicle, and its history."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict

from api.deps import ContextDep, RangeDep, StoreDep, ViewerUser
from reads.assets import AssetPublic, asset_states
from supplysync.events import Alert
from supplysync.readings import Reading

router = APIRouter(prefix="/assets", tags=["assets"])

AssetId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
MAX_READINGS = 10_000


class AssetHistory(BaseModel):
    """An asset's readings and alerts over a range (readings capped at `MAX_READINGS`)."""

    model_config = ConfigDict(frozen=True)

    asset_id: str
    readings: list[Reading]
    alerts: list[Alert]
    truncated: bool


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
    """An asset's readings and alerts in `[since, until)`, oldest first."""
    run_id = context.settings.run_id
    readings = store.readings(asset_id, span.since, span.until, run_id=run_id)
    alerts = store.alerts(span.since, span.until, asset_id, run_id=run_id)
    return AssetHistory(
        asset_id=asset_id,
        readings=readings[-MAX_READINGS:],
        alerts=alerts,
        truncated=len(readings) > MAX_READINGS,
    )
