"""Traceability: for a lot, every place it has been and every condition it saw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from api.deps import ContextDep, RangeDep, StoreDep, ViewerUser, network_of
from reads.trace import TracePublic, trace_lot

router = APIRouter(prefix="/lots", tags=["traceability"])


@router.get("/{lot_id}/trace", response_model=TracePublic)
def trace(
    lot_id: Annotated[str, Path(min_length=1, max_length=128)],
    _: ViewerUser,
    context: ContextDep,
    store: StoreDep,
    span: RangeDep,
) -> TracePublic:
    """The lot's scans, stays, road track and conditions in `[since, until)`; 404 if unseen."""
    network = network_of(store, context)
    assets = sorted(network.asset_kinds()) if network is not None else []
    found = trace_lot(
        store, assets, lot_id, run_id=context.settings.run_id, since=span.since, until=span.until
    )
    if not found.scans and not found.track and not found.conditions:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"lot {lot_id!r} not seen in the range")
    return found
