"""`/healthz`: whether this API can answer from its store, for health checks (no key).

Container health checks and load balancers call it without credentials,
so it says only whether the store answers a query, and why not: nothing
about the network. A store that fails is a 503, so an orchestrator takes
the instance out of service instead of serving errors.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ContextDep, StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(context: ContextDep, store: StoreDep) -> JSONResponse:
    """200 `{"status": "ok", "store": "ok"}`, or 503 naming the store's error."""
    try:
        store.latest_status(run_id=context.settings.run_id)
    except Exception as exc:  # any failure of the store is the answer, not a crash
        reason = f"{type(exc).__name__}: {exc}"[:500]
        return JSONResponse({"status": "failing", "store": reason}, status_code=503)
    return JSONResponse({"status": "ok", "store": "ok"})
