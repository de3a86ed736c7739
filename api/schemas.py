"""Request and response bodies shared by several routers.

Names follow the template: `ThingCreate` is what a client sends,
`ThingPublic` what it gets back. The stored forms (`supplysync.ledger`) stay
on the server where they hold more (a user's key hash), and are answered
as they are where they do not (a refusal).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from supplysync.events import Alert
from supplysync.ledger import AlertAck, Role, UserName


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class AckPublic(AlertAck):
    # The stored acknowledgement, answered as is; under the API's own name.
    pass


class AlertPublic(_Body):
    """An alert and, once an operator has seen to it, its acknowledgement."""

    alert: Alert
    ack: AckPublic | None = None
