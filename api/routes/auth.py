"""Exchanging an API key for a short-lived access token, and asking who one is."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ContextDep, ViewerUser
from api.schemas import Me, TokenPublic
from api.security import issue_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=TokenPublic)
def token(me: ViewerUser, context: ContextDep) -> TokenPublic:
    """An access token for the caller (authenticated by API key or a still valid token)."""
    settings = context.settings
    minutes = settings.token_minutes
    signed = issue_token(
        me, settings.secret_key.get_secret_value(), now=context.wall.now(), minutes=minutes
    )
    return TokenPublic(access_token=signed, expires_in=minutes * 60)


@router.get("/me", response_model=Me)
def whoami(me: ViewerUser) -> Me:
    """The caller's name and role."""
    return me
