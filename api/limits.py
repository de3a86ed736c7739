"""Request body size limit and rate limit, as pure ASGI middleware.

Body limit: a declared `Content-Length` above the limit is refused before a
byte of the body is read; a body without one (chunked) is counted as it
streams in and refused the moment it passes the limit, so memory never
holds more than the limit plus one chunk, whatever the client sends.

Rate limit: token buckets in this process's memory, one per client address
and one per presented credential (by hash, so a caller cannot drain someone
else's bucket by naming them), refilled at `rate_per_s` up to `burst`. A
request must find a token in both. Being in memory, the limit is per server
process and resets on restart; behind a proxy the client address is the
proxy's unless uvicorn is told to trust forwarded headers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import REASON_KEY

_MAX_BUCKETS: Final = 50_000


async def _refuse(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuses request bodies above `max_bytes` with 413, without buffering them.

    When a streamed body passes the limit, the 413 is sent at once and the
    app is told the client disconnected, so it stops reading; whatever it
    answers or raises after that is dropped.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"request body exceeds {self.max_bytes} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                scope.setdefault("state", {})[REASON_KEY] = detail
                await _refuse(send, 413, detail, [(b"connection", b"close")])
                return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        scope.setdefault("state", {})[REASON_KEY] = detail
                        await _refuse(send, 413, detail, [(b"connection", b"close")])
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise


class TokenBuckets:
    """Token buckets by key; thread-safe; forgets full buckets when it grows large."""

    def __init__(
        self, rate_per_s: float, burst: int, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate_per_s = rate_per_s
        self.burst = float(burst)
        self._now = now
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken, else the seconds until one is due."""
        with self._lock:
            t = self._now()
            tokens, last = self._buckets.get(key, (self.burst, t))
            tokens = min(self.burst, tokens + (t - last) * self.rate_per_s)
            if len(self._buckets) >= _MAX_BUCKETS:
                self._forget_full(t)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, t)
                return 0.0
            self._buckets[key] = (tokens, t)
            return (1.0 - tokens) / self.rate_per_s

    def _forget_full(self, t: float) -> None:
        full = [
            k
            for k, (tokens, last) in self._buckets.items()
            if tokens + (t - last) * self.rate_per_s >= self.burst
        ]
        for k in full:
            del self._buckets[k]


class RateLimitMiddleware:
    """Refuses with 429 (and `Retry-After`) when a caller's bucket is empty."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        keys = [f"ip:{client[0] if client else '-'}"]
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key"):
                keys.append("cred:" + hashlib.sha256(value).hexdigest()[:32])
        wait = max(self.buckets.take(k) for k in keys)
        if wait > 0:
            detail = "too many requests"
            scope.setdefault("state", {})[REASON_KEY] = f"rate limited ({keys[0]})"
            retry = str(max(1, round(wait + 0.5))).encode()
            await _refuse(send, 429, detail, [(b"retry-after", retry)])
            return
        await self.app(scope, receive, send)
