"""Mosquitto 2 password-file lines, hashed here rather than by `mosquitto_passwd`.

The format is mosquitto 2's PBKDF2-SHA512 (`$7$<iterations>$<salt>$<hash>`,
base64, 12-byte salt, 64-byte hash); `mosquitto_passwd` would need one
process per user and rewrites the whole file each time. The iteration count
is mosquitto's default: the secrets are 256 random bits, which no iteration
count makes harder to guess, while every device connect pays for the hash.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

ITERATIONS = 101
SALT_BYTES = 12
HASH_BYTES = 64


def hash_line(user: str, secret: str, *, salt: bytes | None = None) -> str:
    """One `user:$7$...` line; `salt` is random unless given (tests pin it)."""
    if ":" in user or not user:
        raise ValueError(f"MQTT user name {user!r} must be non-empty and have no ':'")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, ITERATIONS, HASH_BYTES)
    b64 = base64.b64encode
    return f"{user}:$7${ITERATIONS}${b64(salt).decode()}${b64(digest).decode()}"


def password_file(users: dict[str, str]) -> str:
    """The whole password file for `users` (name to secret), sorted by name."""
    return "".join(hash_line(u, users[u]) + "\n" for u in sorted(users))
