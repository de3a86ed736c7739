"""Settings of the operations-center API, from `SUPPLYSYNC_API_*` variables.

One `Settings` object, as in the FastAPI full-stack template: every tunable
has a type, a default and a checked range, and the object refuses to exist
with a missing, short or well-known secret unless `environment` says
`development`. A server that signs tokens with a secret an attacker can
guess grants admin to anyone, so this is a start-up error, not a warning.

Strength is judged by length and by an estimate of the bits a key's
characters carry (its length times the Shannon entropy of its character
counts). The estimate cannot tell a random key from a clever pass phrase,
but it refuses what is plainly not random (one character repeated, a short
word repeated) and passes random keys of the least lengths: 16 random bytes
spelt as 32 hex digits are estimated at over 90 bits (secret keys need 80),
as 22 URL-safe characters at over 70 (admin keys need 64); 50,000 draws of
each. A refusal names the rule, never the key.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Annotated, Final, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET: Final = "changethis"
"""The placeholder secret; accepted only in development."""

_MIN_SECRET_CHARS: Final = 32
_MIN_SECRET_BITS: Final = 80.0
_MIN_ADMIN_CHARS: Final = 16
_MIN_ADMIN_BITS: Final = 64.0


def estimated_bits(key: str) -> float:
    """Length times the Shannon entropy of the key's character counts, in bits."""
    n = len(key)
    return -sum(c * math.log2(c / n) for c in Counter(key).values())


def _weakness(variable: str, key: str, min_chars: int, min_bits: float) -> str | None:
    """Why `key` is too weak for `variable`, naming the rule and not the key; None if strong."""
    if len(key) < min_chars:
        return f"{variable} has {len(key)} characters; expected at least {min_chars}"
    bits = estimated_bits(key)
    if bits < min_bits:
        return (
            f"{variable} carries about {bits:.0f} bits (its characters repeat); expected at "
            f"least {min_bits:.0f} bits: generate one (python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))')"
        )
    return None


class Settings(BaseSettings):
    """How the API runs.

    Attributes:
        environment: `development` accepts the placeholder secret; anything
            else needs a real one.
        secret_key: HS256 signing key of access tokens.
        admin_key: secret of the `admin` user created at start-up when no
            admin exists (None: one is generated and logged once).
        run_id: the event-store run the API shows and steers.
        token_minutes: lifetime of an access token.
        max_body_bytes: request bodies above this are refused with 413.
        rate_per_s, rate_burst: token bucket refilled at `rate_per_s` holding
            at most `rate_burst` requests, per client address and per credential.
        whatif_workers: what-if solves that may run at once; more are
            refused with 429 rather than queued behind seconds-long solves.
        whatif_time_limit_s: solver budget of one what-if.
        poll_s: how often the live stream polls the store for new rows.
        asset_poll_s: how often it recomputes asset states (costlier: a few
            queries per asset).
        state_lookback_h: how far back the live state of an asset looks for
            its latest readings, and how far before a range a machine's
            health series starts its replay.
        command_timeout_s: a command unanswered this long on the network's
            clock shows as timed out; keep it `run`'s `ack_timeout_s`.
    """

    model_config = SettingsConfigDict(env_prefix="SUPPLYSYNC_API_", extra="ignore")

    environment: Literal["development", "staging", "production"] = "production"
    secret_key: SecretStr = SecretStr("")
    admin_key: SecretStr | None = None
    run_id: Annotated[str, Field(min_length=1, max_length=128)] = "live"
    token_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30
    max_body_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 64 * 1024
    rate_per_s: Annotated[float, Field(gt=0, le=10_000)] = 20.0
    rate_burst: Annotated[int, Field(ge=1, le=100_000)] = 60
    whatif_workers: Annotated[int, Field(ge=1, le=16)] = 1
    whatif_time_limit_s: Annotated[float, Field(gt=0, le=600)] = 10.0
    poll_s: Annotated[float, Field(gt=0, le=60)] = 1.0
    asset_poll_s: Annotated[float, Field(gt=0, le=600)] = 5.0
    state_lookback_h: Annotated[float, Field(gt=0, le=24 * 365)] = 24.0
    command_timeout_s: Annotated[float, Field(gt=0, le=86_400)] = 300.0

    @model_validator(mode="after")
    def _secret_is_real(self) -> Self:
        if self.environment == "development":
            if not self.secret_key.get_secret_value():
                self.secret_key = SecretStr(DEVELOPMENT_SECRET)
            return self
        secret = self.secret_key.get_secret_value()
        if not secret or secret == DEVELOPMENT_SECRET:
            raise ValueError(
                "SUPPLYSYNC_API_SECRET_KEY is missing or the placeholder: set a random secret "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                "or SUPPLYSYNC_API_ENVIRONMENT=development"
            )
        weak = _weakness("SUPPLYSYNC_API_SECRET_KEY", secret, _MIN_SECRET_CHARS, _MIN_SECRET_BITS)
        if weak is None and self.admin_key is not None:
            admin = self.admin_key.get_secret_value()
            weak = _weakness("SUPPLYSYNC_API_ADMIN_KEY", admin, _MIN_ADMIN_CHARS, _MIN_ADMIN_BITS)
        if weak is not None:
            raise ValueError(weak)
        return self
