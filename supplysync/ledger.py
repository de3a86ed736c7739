"""The operations center's own records: its users, their acknowledgements, its refusals.

These are not events of the supply chain: the live loop never reads them
and a replay must never meet them, and a user's key or activity changes in
place. The store keeps them in tables of their own beside the log
(`adapters.store.ledger`); the API is the only writer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["viewer", "operator", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "operator", "admin")
"""Every role, least first: a role may do what those before it may."""

UserName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UserRecord(_Record):
    """A user as stored: the key's salt and scrypt hash, never the key."""

    name: UserName
    role: Role
    salt: str
    key_hash: str
    created_at: datetime
    created_by: str
    active: bool = True


class AlertAck(_Record):
    """An operator's acknowledgement of an alert: by whom, when, and what they said."""

    alert_id: str
    by: str
    at: datetime
    comment: str


class Refusal(_Record):
    """A refused request: who (as far as known), what, when and why."""

    refusal_id: str
    at: datetime
    who: str
    client: str
    method: str
    path: str
    status: int
    reason: str
