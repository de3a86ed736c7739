"""Request and response bodies shared by several routers.

Names follow the template: `ThingCreate` is what a client sends,
`ThingPublic` what it gets back; `UserRecord` is the stored form, which
holds the key hash and never leaves the server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from supplysync.events import Alert

Role = Literal["viewer", "operator", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "operator", "admin")
UserName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UserRecord(_Body):
    """A user as stored: the key's salt and scrypt hash, never the key."""

    name: UserName
    role: Role
    salt: str
    key_hash: str
    created_at: datetime
    created_by: str
    active: bool = True


class UserCreate(_Body):
    name: UserName
    role: Role


class UserPublic(_Body):
    name: str
    role: Role
    created_at: datetime
    created_by: str
    active: bool


class UserCreated(UserPublic):
    """The new user with its API key, shown once: only its hash is kept."""

    api_key: str


class Me(_Body):
    name: str
    role: Role


class TokenPublic(_Body):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds")


class StreamTicket(_Body):
    """Opens the live stream once: `GET /api/stream?ticket=...` within `expires_in` seconds."""

    ticket: str
    expires_in: int = Field(description="seconds")


class AckCreate(_Body):
    comment: Annotated[str, Field(min_length=1, max_length=2000)]


class AckPublic(_Body):
    alert_id: str
    by: str
    at: datetime
    comment: str


class AlertPublic(_Body):
    """An alert and, once an operator has seen to it, its acknowledgement."""

    alert: Alert
    ack: AckPublic | None = None


class Refusal(_Body):
    """A refused request: who (as far as known), what, when and why."""

    refusal_id: str
    at: datetime
    who: str
    client: str
    method: str
    path: str
    status: int
    reason: str
