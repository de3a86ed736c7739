"""KPIs of the run over a time range."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ContextDep, RangeDep, StoreDep, ViewerUser
from reads.kpis import KpisPublic, live_kpis

router = APIRouter(prefix="/kpis", tags=["kpis"])


@router.get("", response_model=KpisPublic)
def kpis(_: ViewerUser, context: ContextDep, store: StoreDep, span: RangeDep) -> KpisPublic:
    """Fill and on-time rates, replans and their latency, alerts by kind, dead letters."""
    return live_kpis(store, run_id=context.settings.run_id, since=span.since, until=span.until)
