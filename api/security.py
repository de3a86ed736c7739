"""API keys and access tokens.

An API key is `<user>.<secret>`: the user name says which row to check, the
secret is 32 random bytes, and only a salted scrypt hash of it is stored, so
a copy of the database opens nothing. scrypt costs tens of milliseconds by
design, so a key that verified is remembered (by its SHA-256, for
`KEY_CACHE_S` seconds, in this process) and the page's polling does not pay
it on every call; revoking a user clears the cache.

Access tokens are JWTs signed with HS256 and the server's secret. Decoding
names the one algorithm it accepts, which refuses `alg: none` and every
other algorithm (including the RS256/HS256 confusion), and requires `exp`,
`iat`, `sub` and `role`; PyJWT rejects tampered tokens. Expiry is judged
against the app's injected clock rather than PyJWT's reading of the wall
clock, so the tests' fixed clock and the server agree on what "expired" is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import datetime, timedelta
from typing import Final

import jwt

from api.schemas import Me
from supplysync.ledger import ROLES, Role, UserRecord

ALGORITHM: Final = "HS256"
ISSUER: Final = "supplysync"
KEY_CACHE_S: Final = 60.0

_SCRYPT_N: Final = 2**14
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1


class CredentialsError(Exception):
    """A key or token that does not prove who the caller is; the message says why."""


def new_secret() -> str:
    """A fresh key secret: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, salt: bytes | None = None) -> tuple[str, str]:
    """`(salt_hex, hash_hex)` of `secret` with scrypt and a fresh (or given) salt."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(
        secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return salt.hex(), digest.hex()


def secret_matches(secret: str, user: UserRecord) -> bool:
    """Whether `secret` hashes to the user's stored hash (constant-time compare)."""
    _, digest = hash_secret(secret, bytes.fromhex(user.salt))
    return hmac.compare_digest(digest, user.key_hash)


def split_key(key: str) -> tuple[str, str]:
    """`(user, secret)` of a presented key, or `CredentialsError`."""
    name, dot, secret = key.partition(".")
    if not dot or not name or not secret or len(key) > 512:
        raise CredentialsError("malformed API key: expected <user>.<secret>")
    return name, secret


class KeyCache:
    """Keys that verified recently, by SHA-256, so scrypt runs once a minute per key."""

    def __init__(self, ttl_s: float = KEY_CACHE_S) -> None:
        self._ttl_s = ttl_s
        self._seen: dict[str, tuple[float, Me]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Me | None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            hit = self._seen.get(digest)
            if hit is None or time.monotonic() - hit[0] > self._ttl_s:
                self._seen.pop(digest, None)
                return None
            return hit[1]

    def put(self, key: str, me: Me) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen.clear()
            self._seen[digest] = (time.monotonic(), me)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


def issue_token(me: Me, secret: str, *, now: datetime, minutes: int) -> str:
    """A signed access token for `me`, valid for `minutes` from `now`."""
    claims = {
        "sub": me.name,
        "role": me.role,
        "iss": ISSUER,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str, *, now: datetime) -> Me:
    """Who a token names, or `CredentialsError` (expired, tampered, wrong algorithm...)."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise CredentialsError(f"token algorithm {header.get('alg')!r} is not {ALGORITHM}")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "role"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise CredentialsError(f"invalid token: {exc}") from exc
    if int(claims["exp"]) <= int(now.timestamp()):
        raise CredentialsError("token expired")
    role = claims["role"]
    if role not in ROLES:
        raise CredentialsError("token names an unknown role")
    role_: Role = role
    return Me(name=str(claims["sub"]), role=role_)
