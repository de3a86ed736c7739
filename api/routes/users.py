"""Users and the audit of refused requests (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from api.deps import AdminUser, ContextDep, RangeDep
from api.schemas import UserCreate, UserCreated, UserPublic
from api.security import hash_secret, new_secret
from supplysync.ledger import Refusal, UserName, UserRecord

router = APIRouter(tags=["users"])


def _public(user: UserRecord) -> UserPublic:
    return UserPublic(
        name=user.name,
        role=user.role,
        created_at=user.created_at,
        created_by=user.created_by,
        active=user.active,
    )


def create_user(context: ContextDep, body: UserCreate, by: str, secret: str) -> UserCreated:
    """Store a user whose key secret is `secret`; 409 if the name is taken."""
    salt, digest = hash_secret(secret)
    record = UserRecord(
        name=body.name,
        role=body.role,
        salt=salt,
        key_hash=digest,
        created_at=context.wall.now(),
        created_by=by,
    )
    if not context.ledger.add_user(record):
        raise HTTPException(status.HTTP_409_CONFLICT, f"user {body.name!r} exists")
    return UserCreated(**_public(record).model_dump(), api_key=f"{body.name}.{secret}")


@router.get("/users", response_model=list[UserPublic])
def list_users(_: AdminUser, context: ContextDep) -> list[UserPublic]:
    """Every user, active or revoked."""
    return [_public(u) for u in context.ledger.users()]


@router.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
def add_user(body: UserCreate, me: AdminUser, context: ContextDep) -> UserCreated:
    """Create a user; the response carries its API key, which is not kept and not shown again."""
    return create_user(context, body, me.name, new_secret())


@router.delete("/users/{name}", response_model=UserPublic)
def revoke_user(
    name: Annotated[UserName, Path()], me: AdminUser, context: ContextDep
) -> UserPublic:
    """Revoke a user's key and tokens at once; an admin cannot revoke themself."""
    if name == me.name:
        raise HTTPException(status.HTTP_409_CONFLICT, "an admin cannot revoke themself")
    if not context.ledger.deactivate(name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no active user {name!r}")
    context.keys.clear()
    user = context.ledger.user(name)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user {name!r}")
    return _public(user)


@router.get("/audit/refusals", response_model=list[Refusal])
def refusals(
    _: AdminUser,
    context: ContextDep,
    span: RangeDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[Refusal]:
    """Refused requests (401, 403, 413, 429) in `[since, until)`, newest first."""
    context.refusals.flush()
    return context.ledger.refusals(span.since, span.until, limit)
