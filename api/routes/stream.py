"""The live stream (server-sent events): alerts, plan changes and asset updates.

Events are `alert` (an `AlertPublic`), `plan` (a `PlanSummary`) and
`asset` (an `AssetPublic`); a comment line every `HEARTBEAT_S` keeps
proxies from closing an idle stream. Browsers' `EventSource` cannot set
headers, so the page first trades its token for a one-time ticket
(`POST /api/stream/ticket`, `api.tickets`) and opens the stream with that;
no credential that still works is ever in a URL. Other clients may send
their key or token in a header as on every route.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Final

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse

from api.audit import REASON_KEY, WHO_KEY
from api.deps import ContextDep, ViewerUser, key_user
from api.schemas import Me, StreamTicket
from api.security import CredentialsError, read_token
from api.tickets import TTL_S
from supplysync.ledger import ROLES

router = APIRouter(tags=["stream"])

HEARTBEAT_S: Final = 15.0


@router.post("/stream/ticket", response_model=StreamTicket)
def stream_ticket(me: ViewerUser, context: ContextDep) -> StreamTicket:
    """A ticket that opens the live stream once, for the caller."""
    ticket = context.tickets.issue(me, context.wall.now())
    return StreamTicket(ticket=ticket, expires_in=int(TTL_S))


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "event stream"}},
)
async def stream(
    request: Request,
    context: ContextDep,
    ticket: Annotated[str | None, Query(max_length=256)] = None,
) -> StreamingResponse:
    """Server-sent events for any authenticated user (header credentials or a `ticket`)."""
    me = await asyncio.to_thread(_caller, request, context, ticket)
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


def _caller(request: Request, context: ContextDep, ticket: str | None) -> Me:
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
    now = context.wall.now()
    try:
        if key:
            return key_user(context, key)
        if ticket:
            me = context.tickets.redeem(ticket, now)
        elif token:
            me = read_token(token, context.settings.secret_key.get_secret_value(), now=now)
        else:
            setattr(request.state, REASON_KEY, "no credentials")
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated")
        user = context.ledger.user(me.name)
        if user is None or not user.active or user.role not in ROLES:
            raise CredentialsError(f"user {me.name!r} no longer active")
        return Me(name=user.name, role=user.role)
    except CredentialsError as exc:
        setattr(request.state, WHO_KEY, "?stream")
        setattr(request.state, REASON_KEY, str(exc))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "not authenticated") from exc
