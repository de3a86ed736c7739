"""The FastAPI app factory: `create_app(settings, store_url=...)`.

Everything is wired here and nowhere else: the store per serving thread
(the event log and, beside it, the ledger of users, acks and refusals),
the live feed, the what-if pool, the middleware (outermost first: refusal
audit, rate limit, body limit, so the audit sees the refusals of the other
two) and one router per resource under `/api`, plus `/metrics` and the
page at `/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import timedelta
from threading import BoundedSemaphore
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from adapters.store import StoreError
from api.audit import AuditMiddleware, RefusalLog
from api.context import Context
from api.feed import Feed
from api.headers import SecurityHeadersMiddleware
from api.limits import BodyLimitMiddleware, RateLimitMiddleware, TokenBuckets
from api.routes import (
    alerts,
    assets,
    auth,
    commands,
    control,
    health,
    kpis,
    metrics,
    page,
    plans,
    stream,
    timebase,
    traceability,
    users,
)
from api.routes.page import STATIC
from api.routes.users import create_user
from api.schemas import UserCreate
from api.security import KeyCache, hash_secret, new_secret, secret_matches
from api.settings import Settings
from api.stores import ThreadStores
from api.tickets import StreamTickets
from supplysync.clock import Clock, NetworkClock, WallClock
from supplysync.scenario import PlanningSettings, Scenario

log = logging.getLogger(__name__)

AUDIT_FLUSH_S = 1.0


def create_app(
    settings: Settings,
    *,
    store_url: str,
    clock: Clock | None = None,
    wall: Clock | None = None,
    scenario: Scenario | None = None,
) -> FastAPI:
    """The operations-center app over the event store at `store_url`.

    Args:
        settings: API settings (already checked: no default secret outside development).
        store_url: the event store the live loop writes (`sqlite:///path`, `postgresql://...`).
        clock: the network's time (windows, the stream, freshness, records); by
            default a `NetworkClock` on the pace the live loop records with its
            status, so an accelerated fleet's alerts are "now" here too.
        wall: token and ticket expiry, users and the refusal audit; the wall clock
            by default.
        scenario: its network is drawn before the first network snapshot, its planning
            settings drive what-ifs.
    """
    wall = wall or WallClock()
    clock = clock or NetworkClock(wall)
    stores = ThreadStores(store_url)
    ledger = stores.ledger()
    lookback = timedelta(hours=settings.state_lookback_h)
    network = scenario.network if scenario is not None else None
    context = Context(
        settings=settings,
        store_url=store_url,
        stores=stores,
        clock=clock,
        wall=wall,
        ledger=ledger,
        keys=KeyCache(),
        tickets=StreamTickets(),
        refusals=RefusalLog(ledger, wall),
        feed=Feed(
            store_url=store_url,
            run_id=settings.run_id,
            clock=clock,
            network=network,
            lookback=lookback,
            poll_s=settings.poll_s,
            asset_poll_s=settings.asset_poll_s,
        ),
        network=network,
        planning=scenario.planning if scenario is not None else PlanningSettings(),
        whatif_pool=ThreadPoolExecutor(settings.whatif_workers, thread_name_prefix="what-if"),
        whatif_slots=BoundedSemaphore(settings.whatif_workers),
    )
    _ensure_admin(context)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await _read_pace(context)
        await asyncio.to_thread(context.feed.prime)
        async with asyncio.TaskGroup() as tasks:
            feed = tasks.create_task(context.feed.run(), name="live-feed")
            audit = tasks.create_task(_flush_refusals(context), name="audit-flush")
            pace = tasks.create_task(_follow_pace(context), name="pace")
            try:
                yield
            finally:
                feed.cancel()
                audit.cancel()
                pace.cancel()
        context.refusals.flush()
        context.whatif_pool.shutdown(wait=False, cancel_futures=True)
        context.stores.close()

    app = FastAPI(
        title="supplysync operations center",
        version="1",
        description="Watch and steer the supply network: assets, alerts, plans, what-ifs.",
        lifespan=lifespan,
    )
    app.state.context = context
    routers = (auth, assets, alerts, plans, commands, control, traceability, kpis, stream, users)
    for module in (*routers, timebase):
        app.include_router(module.router, prefix="/api")
    app.include_router(metrics.router)
    app.include_router(health.router)
    app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_details(exc.errors())}, status_code=422)

    @app.exception_handler(StoreError)
    async def store_unavailable(_: Request, exc: StoreError) -> JSONResponse:
        log.error("event store: %s", exc)
        return JSONResponse({"detail": "event store unavailable"}, status_code=503)

    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimitMiddleware, buckets=TokenBuckets(settings.rate_per_s, settings.rate_burst)
    )
    app.add_middleware(AuditMiddleware, log=context.refusals)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _validation_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Each error's `type`, `loc` and `msg`, in text that JSON can carry.

    FastAPI's own answer also echoes each error's input, and an input that
    JSON cannot carry back (`NaN`, `Infinity`, a lone surrogate) made the
    422 itself fail as a 500; the echo also returned whatever was sent (a
    key pasted into the wrong field) to whoever sent it. The location and
    the message name the field and what is wrong with it; a lone surrogate
    in a field name or a message is shown as its escape.
    """

    def text(value: object) -> str:
        return str(value).encode("utf-8", "backslashreplace").decode("utf-8")

    return [
        {
            "type": text(error.get("type", "")),
            "loc": [p if isinstance(p, int) else text(p) for p in error.get("loc", ())],
            "msg": text(error.get("msg", "")),
        }
        for error in errors
    ]


def _ensure_admin(context: Context) -> None:
    """Create the `admin` user when no admin exists; rotate its key when the setting changed.

    A start with another `SUPPLYSYNC_API_ADMIN_KEY` means the operator wants
    that key to be the admin's: the old one stops working, and the log says so.
    """
    configured = context.settings.admin_key
    admin = context.ledger.user("admin")
    if configured is not None and admin is not None and admin.active:
        secret = configured.get_secret_value()
        if not secret_matches(secret, admin):
            context.ledger.set_key("admin", *hash_secret(secret))
            context.keys.clear()
            log.warning("the admin key changed (SUPPLYSYNC_API_ADMIN_KEY): the old one is revoked")
        return
    if any(u.role == "admin" and u.active for u in context.ledger.users()):
        return
    secret = configured.get_secret_value() if configured is not None else new_secret()
    created = create_user(context, UserCreate(name="admin", role="admin"), "start-up", secret)
    if configured is None:
        log.warning("created user admin; its API key (shown once): %s", created.api_key)


async def _follow_pace(context: Context) -> None:
    """Keep the network clock on the pace the live loop last recorded, every `poll_s`."""
    while True:
        await asyncio.sleep(context.settings.poll_s)
        await _read_pace(context)


async def _read_pace(context: Context) -> None:
    """Put a network clock on the pace of the live loop's latest status.

    `serve` shares only the store with `run`, and the loop writes the pace it
    follows into its `LoopStatus`; a store that cannot be read leaves the
    clock on the pace it had. An injected clock of another kind is left be.
    """
    clock = context.clock
    if not isinstance(clock, NetworkClock):
        return
    run_id = context.settings.run_id
    try:
        status = await asyncio.to_thread(lambda: context.stores.here().latest_status(run_id=run_id))
    except StoreError as exc:
        log.debug("pace not read: %s", exc)
        return
    if status is not None:
        clock.follow(status.pace)


async def _flush_refusals(context: Context) -> None:
    while True:
        await asyncio.sleep(AUDIT_FLUSH_S)
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(context.refusals.flush)
