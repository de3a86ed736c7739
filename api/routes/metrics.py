"""`/metrics` for Prometheus (viewers and up: the figures describe the business)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.deps import ContextDep, StoreDep, ViewerUser, network_of
from api.metrics import render

router = APIRouter(tags=["metrics"])


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(_: ViewerUser, context: ContextDep, store: StoreDep) -> PlainTextResponse:
    """Ingest rate, queue depths, replans and latency, solver outcomes, alerts, dead letters.

    Also the API's own refusals; queue depths come from the live loop's latest status.
    """
    settings = context.settings
    text = render(
        store,
        network_of(store, context),
        run_id=settings.run_id,
        now=context.clock.now(),
        window=timedelta(hours=settings.state_lookback_h),
        api={
            "stream_subscribers": context.feed.subscribers,
            "audit_pending": context.refusals.pending,
            "whatif_workers": settings.whatif_workers,
        },
        refusals=dict(context.refusals.counts),
    )
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
