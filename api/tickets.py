"""One-time tickets for the live stream, so no credential travels in a URL.

Browsers' `EventSource` cannot set headers, so whatever opens the stream is
in its URL, and URLs end up in access logs, proxies and browser history.
The page therefore trades its access token (in a header) for a ticket that
opens one stream: valid for `TTL_S` seconds and once only. A ticket copied
out of a log afterwards opens nothing. Tickets live in this process's
memory, like the rate limits: a ticket is redeemed right after it is issued,
by the same server.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime, timedelta
from typing import Final

from api.schemas import Me
from api.security import CredentialsError

TTL_S: Final = 30.0
_MAX_OPEN: Final = 10_000


class StreamTickets:
    """Issued, unredeemed tickets by SHA-256, with whom each names and when it expires."""

    def __init__(self, ttl_s: float = TTL_S) -> None:
        self._ttl = timedelta(seconds=ttl_s)
        self._open: dict[str, tuple[Me, datetime]] = {}
        self._lock = threading.Lock()

    def issue(self, me: Me, now: datetime) -> str:
        """A new ticket for `me`; the oldest open ones are dropped past `_MAX_OPEN`."""
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._open = {k: v for k, v in self._open.items() if v[1] > now}
            while len(self._open) >= _MAX_OPEN:
                self._open.pop(next(iter(self._open)))
            self._open[_digest(ticket)] = (me, now + self._ttl)
        return ticket

    def redeem(self, ticket: str, now: datetime) -> Me:
        """Who `ticket` names, using it up; `CredentialsError` if unknown, used or expired."""
        with self._lock:
            found = self._open.pop(_digest(ticket), None)
        if found is None:
            raise CredentialsError("unknown or used stream ticket")
        me, expires = found
        if now >= expires:
            raise CredentialsError("expired stream ticket")
        return me


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()
