"""The live stream (server-sent events): alerts, plan changes and asset updates.

Events are `alert` (an `AlertPublic`), `plan` (a `PlanSummary`) and
`asset` (an `AssetPublic`); a comment line every `HEARTBEAT_S` keeps
proxies from closing an idle stream. Browsers' `EventSource` cannot set
headers, so the page passes its access token as `access_token` in the
query: accepted here only, where the token is short-lived and read-only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Final

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse

from api.audit import REASON_KEY, WHO_KEY
from api.deps import ContextDep, key_user
from api.schemas import ROLES, Me
from api.security import CredentialsError, read_token

router = APIRouter(tags=["stream"])

HEARTBEAT_S: Final = 15.0


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "event stream"}},
)
async def stream(
    request: Request,
    context: ContextDep,
    access_token: Annotated[str | None, Query(max_length=4096)] = None,
) -> StreamingResponse:
    """Server-sent events for any authenticated user (header credentials or `access_token`)."""
    me = await asyncio.to_thread(_caller, request, context, access_token)
    setattr(request.state, WHO_KEY, me.name)
    queue = context.feed.subscribe()

    async def events() -> AsyncIterator[bytes]:
        try:
            yield b": connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield b": heartbeat\n\n"
                    continue
                if event is None:
                    return
                yield event.encode()
        finally:
            context.feed.unsubscribe(queue)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _caller(request: Request, context: ContextDep, access_token: str | None) -> Me:
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else access_token
    try:
        if key:
            return key_user(context, key)
        if token:
            me = read_token(
                token, context.settings.secret_key.get_secret_value(), now=context.clock.now()
            )
            user = context.ledger.user(me.name)
            if user is not None and user.active and user.role in ROLES:
                return Me(name=user.name, role=user.role)
            raise CredentialsError(f"user {me.name!r} no longer active")
    except CredentialsError as exc:
        setattr(request.state, WHO_KEY, "?stream")
        setattr(request.state, REASON_KEY, str(exc))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated") from exc
    setattr(request.state, REASON_KEY, "no credentials")
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated")
