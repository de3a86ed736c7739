"""Security headers on every response, as pure ASGI middleware.

The page takes a pasted API key, so it must not run script from anywhere
else or be framed by another site (clickjacking): a Content-Security-Policy
allowing only this origin's files and no inline script or style,
`X-Frame-Options: DENY` for browsers without `frame-ancestors`,
`X-Content-Type-Options: nosniff` so a JSON body is never run as script,
and no referrer leaving the page. FastAPI's `/docs` and `/redoc` load their
viewers from a CDN with inline script, so they get every header but the
policy (they show the schema and hold no key).
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
HEADERS: Final = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_VIEWERS: Final = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Adds `HEADERS`, and `POLICY` outside the API viewers, to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = list(HEADERS)
        if not str(scope.get("path", "")).startswith(_VIEWERS):
            added.append((b"content-security-policy", POLICY.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)
