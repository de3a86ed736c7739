"""The secret of every MQTT user: the device fleet's and the system's.

One JSON file, `{"v": 1, "users": {"<user>": "<secret>"}}`, written owner
read/write only. It holds the plaintext the devices and the system's own
clients log in with; the broker gets only the hashes (`passwd`). Every
secret comes from `secrets`; there is no default.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from adapters.devices.errors import CredentialsError
from supplysync.network import Frozen, Id

SECRET_BYTES = 32  # 256 bits: no password-hash cost needed to resist guessing
Secret = Annotated[str, Field(min_length=16, max_length=256)]


class _File(Frozen):
    v: Literal[1] = 1
    users: dict[Id, Secret]


@dataclass(frozen=True)
class Credentials:
    """User name to secret, for every user that may log in to the broker."""

    users: dict[str, str]

    def secret(self, user: str) -> str:
        """The secret of `user`; `CredentialsError` if it has none."""
        try:
            return self.users[user]
        except KeyError:
            raise CredentialsError(f"no credentials for MQTT user {user!r}") from None

    def for_users(self, users: Iterable[str]) -> Credentials:
        """Credentials for exactly `users`: a known secret kept, a fresh random one otherwise.

        Keeping secrets means adding assets does not log out the rest;
        dropping the users not named means a retired asset can no longer log in.
        """
        return Credentials(
            {u: self.users.get(u) or secrets.token_urlsafe(SECRET_BYTES) for u in users}
        )

    def save(self, path: Path) -> None:
        """Write the file, readable by its owner only, replacing any previous one."""
        text = _File(users=self.users).model_dump_json(indent=2)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Credentials:
        """The credentials in `path`; `CredentialsError` naming the file otherwise."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(_File.model_validate(raw).users))
        except (OSError, ValueError, ValidationError) as exc:
            raise CredentialsError(f"credentials file {path}: {exc}") from exc
