"""Recording every refused request (401, 403, 413, 429) with who, what and when.

A pure ASGI middleware watches the status each response starts with; for a
refusal it notes the caller (the user the auth dependency identified, or
the name a rejected credential claimed, marked `?`), the method and path,
the client address and the reason. Notes go to a bounded in-memory buffer
that a background task flushes to the ledger once a second in one
transaction: writing one row per refusal inline would let a flood of
refused requests turn into a flood of fsyncs. If the buffer overflows
between flushes the oldest notes are dropped and the count of dropped notes
is recorded as a refusal of its own, so the loss is visible.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter, deque
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.store import Ledger
from supplysync.clock import Clock
from supplysync.ledger import Refusal

REFUSED: Final = frozenset({401, 403, 413, 429})
WHO_KEY: Final = "supplysync_who"
REASON_KEY: Final = "supplysync_reason"


class RefusalLog:
    """A bounded buffer of refusals, flushed to the ledger."""

    def __init__(self, ledger: Ledger, clock: Clock, *, capacity: int = 10_000) -> None:
        self._ledger = ledger
        self._clock = clock
        self._buffer: deque[Refusal] = deque(maxlen=capacity)
        self._dropped = 0
        self._lock = threading.Lock()
        self.counts: Counter[int] = Counter()

    def note(
        self, *, who: str, client: str, method: str, path: str, status: int, reason: str
    ) -> None:
        refusal = Refusal(
            refusal_id=uuid.uuid4().hex,
            at=self._clock.now(),
            who=who,
            client=client,
            method=method,
            path=path[:500],
            status=status,
            reason=reason[:500],
        )
        with self._lock:
            self.counts[status] += 1
            if len(self._buffer) == self._buffer.maxlen:
                self._dropped += 1
            self._buffer.append(refusal)

    @property
    def pending(self) -> int:
        """Refusals noted and not yet written."""
        return len(self._buffer)

    def flush(self) -> int:
        """Write the buffered refusals; how many were written."""
        with self._lock:
            batch = list(self._buffer)
            self._buffer.clear()
            dropped, self._dropped = self._dropped, 0
        if dropped:
            batch.append(
                Refusal(
                    refusal_id=uuid.uuid4().hex,
                    at=self._clock.now(),
                    who="-",
                    client="-",
                    method="-",
                    path="-",
                    status=429,
                    reason=f"{dropped} refusals not recorded: the audit buffer overflowed",
                )
            )
        self._ledger.record_refusals(batch)
        return len(batch)


class AuditMiddleware:
    """Notes every response that starts with a refusal status."""

    def __init__(self, app: ASGIApp, log: RefusalLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in REFUSED:
                state = scope.get("state", {})
                client = scope.get("client")
                self.log.note(
                    who=str(state.get(WHO_KEY, "anonymous")),
                    client=client[0] if client else "-",
                    method=scope["method"],
                    path=scope["path"],
                    status=message["status"],
                    reason=str(state.get(REASON_KEY, "")),
                )
            await send(message)

        await self.app(scope, receive, watch)
