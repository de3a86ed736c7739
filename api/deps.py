"""Dependencies, as `Annotated` aliases the routers put in their signatures.

Authentication accepts an API key in `X-API-Key` or an access token in
`Authorization: Bearer`. Roles are ordered viewer < operator < admin and a
route names the least role it needs (`ViewerUser`, `OperatorUser`,
`AdminUser`). The dependency leaves who the caller is (or claimed to be)
and why it was refused in the request state, where the audit middleware
reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Final

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime

from adapters.store import EventStore
from api.audit import REASON_KEY, WHO_KEY
from api.context import Context
from api.schemas import Me
from api.security import CredentialsError, read_token, secret_matches, split_key
from supplysync.ledger import ROLES, Role
from supplysync.network import Network

_EPOCH: Final = datetime(1970, 1, 2, tzinfo=UTC)
_FAR: Final = datetime(9999, 1, 1, tzinfo=UTC)

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="<user>.<secret>")
_bearer = HTTPBearer(auto_error=False, description="an access token from POST /api/auth/token")


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


ContextDep = Annotated[Context, Depends(get_context)]


def get_store(context: ContextDep) -> EventStore:
    """The event store, as a proxy to the handler thread's own connection (see `api.stores`)."""
    return context.stores.proxy()


StoreDep = Annotated[EventStore, Depends(get_store)]


def _refuse(request: Request, code: int, who: str, reason: str) -> HTTPException:
    setattr(request.state, WHO_KEY, who)
    setattr(request.state, REASON_KEY, reason)
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    detail = reason if code == status.HTTP_403_FORBIDDEN else "not authenticated"
    return HTTPException(code, detail, headers=headers)


def key_user(context: Context, key: str) -> Me:
    """Who an API key belongs to, or `CredentialsError`."""
    cached = context.keys.get(key)
    if cached is not None:
        return cached
    name, secret = split_key(key)
    user = context.ledger.user(name)
    if user is None or not user.active or not secret_matches(secret, user):
        raise CredentialsError(f"API key of {name!r} not valid")
    me = Me(name=user.name, role=user.role)
    context.keys.put(key, me)
    return me


def current_user(
    request: Request,
    context: ContextDep,
    api_key: Annotated[str | None, Depends(_api_key)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Me:
    """The authenticated caller; 401 without valid credentials."""
    try:
        if api_key is not None:
            me = key_user(context, api_key)
        elif bearer is not None:
            me = read_token(
                bearer.credentials,
                context.settings.secret_key.get_secret_value(),
                now=context.wall.now(),
            )
            user = context.ledger.user(me.name)
            if user is None or not user.active:
                raise CredentialsError(f"user {me.name!r} no longer active")
            me = Me(name=user.name, role=user.role)
        else:
            raise _refuse(request, status.HTTP_401_UNAUTHORIZED, "anonymous", "no credentials")
    except CredentialsError as exc:
        claimed = api_key.partition(".")[0][:64] if api_key else "token"
        raise _refuse(request, status.HTTP_401_UNAUTHORIZED, f"?{claimed}", str(exc)) from exc
    setattr(request.state, WHO_KEY, me.name)
    return me


def require(role: Role) -> Callable[..., Me]:
    """A dependency admitting callers whose role is `role` or above."""
    rank = ROLES.index(role)

    def check(request: Request, me: Annotated[Me, Depends(current_user)]) -> Me:
        if ROLES.index(me.role) < rank:
            raise _refuse(request, status.HTTP_403_FORBIDDEN, me.name, f"needs role {role}")
        return me

    return check


ViewerUser = Annotated[Me, Depends(require("viewer"))]
OperatorUser = Annotated[Me, Depends(require("operator"))]
AdminUser = Annotated[Me, Depends(require("admin"))]


@dataclass(frozen=True)
class TimeRange:
    """A half-open range `[since, until)` of aware datetimes."""

    since: datetime
    until: datetime


def time_range(
    context: ContextDep,
    since: Annotated[
        AwareDatetime | None, Query(description="start (inclusive); default: `until` - 24 h")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="end (exclusive); default: just after now")
    ] = None,
) -> TimeRange:
    """The range a listing covers; 422 when it is empty or reversed."""
    end = until or context.clock.now() + timedelta(microseconds=1)
    start = since or end - timedelta(hours=24)
    if start >= end:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "`since` must be before `until`")
    if not (start >= _EPOCH and end <= _FAR):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "range outside 1970..9999")
    return TimeRange(start, end)


RangeDep = Annotated[TimeRange, Depends(time_range)]


def network_of(store: EventStore, context: Context) -> Network | None:
    """The network of the latest snapshot the planner saw, else the scenario's."""
    snapshot = store.latest_network(run_id=context.settings.run_id)
    return snapshot.network if snapshot is not None else context.network
