"""Concurrent clients against the API: pollers on the page's GET routes, and stream holders.

A poller is one browser-like client with one keep-alive connection, asking
its routes in turn, each as soon as the last answer arrived (a closed loop:
the offered rate is whatever the server sustains, so requests/s is the
server's throughput at that concurrency, and latencies include waiting
for a worker thread). Pollers start at different routes so every route is
in flight at once. They stop asking at the deadline; the answers still
coming are waited for and counted, so the elapsed time includes that tail.

A stream holder does what the page does: trades its key for a one-time
ticket (`POST /api/stream/ticket`, a request of its own), opens
`/api/stream?ticket=...` without the key (a key in the header would be used
instead of the ticket) and holds it open until the deadline, counting
events by type and timing the first one. Events come only as the store
changes (a new alert or plan; asset states, recomputed every few seconds
by the API, when one changed), so a short run may see none.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import httpx

TICKET: Final = "POST /api/stream/ticket"
STREAM: Final = "GET /api/stream"
_TIMEOUT: Final = httpx.Timeout(60.0)


@dataclass(frozen=True)
class Route:
    """A row of the table (`label`) and the path with query that is asked."""

    label: str
    path: str


@dataclass(frozen=True)
class Sample:
    """One request: its route, HTTP status (None: no answer), seconds, body bytes."""

    route: str
    status: int | None
    seconds: float
    size: int
    error: str | None = None


@dataclass
class StreamSample:
    """One held stream: seconds to its headers and to its first event, events by type."""

    opened_s: float | None = None
    first_event_s: float | None = None
    events: Counter[str] = field(default_factory=Counter)
    error: str | None = None


@dataclass(frozen=True)
class LoadResult:
    """Every request, every stream, and the wall seconds from the first start to the last end."""

    samples: list[Sample]
    streams: list[StreamSample]
    seconds: float


async def run_load(
    base_url: str,
    key: str,
    routes: Sequence[Route],
    *,
    pollers: int,
    streams: int,
    seconds: float,
) -> LoadResult:
    """`pollers` and `streams` clients at once for `seconds` against `base_url`."""
    samples: list[Sample] = []
    held = [StreamSample() for _ in range(streams)]
    start = time.perf_counter()
    deadline = start + seconds
    async with asyncio.TaskGroup() as tasks:
        for i in range(pollers):
            tasks.create_task(_poller(base_url, key, routes, i, deadline, samples))
        for one in held:
            tasks.create_task(_stream(base_url, key, deadline, samples, one))
    return LoadResult(samples, held, time.perf_counter() - start)


def _client(base_url: str, key: str | None) -> httpx.AsyncClient:
    headers = {"X-API-Key": key} if key else None
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=_TIMEOUT, limits=limits)


async def _poller(
    base_url: str,
    key: str,
    routes: Sequence[Route],
    offset: int,
    deadline: float,
    samples: list[Sample],
) -> None:
    async with _client(base_url, key) as client:
        i = offset
        while time.perf_counter() < deadline:
            route = routes[i % len(routes)]
            i += 1
            sample, _ = await _request(client, "GET", route.label, route.path)
            samples.append(sample)


async def _request(
    client: httpx.AsyncClient, method: str, label: str, path: str
) -> tuple[Sample, httpx.Response | None]:
    """The request timed to its last body byte, and its response (None: none came)."""
    began = time.perf_counter()
    try:
        response = await client.request(method, path)
    except httpx.HTTPError as exc:
        return Sample(label, None, time.perf_counter() - began, 0, type(exc).__name__), None
    took = time.perf_counter() - began
    return Sample(label, response.status_code, took, len(response.content)), response


async def _stream(
    base_url: str, key: str, deadline: float, samples: list[Sample], held: StreamSample
) -> None:
    async with _client(base_url, key) as client:
        sample, answer = await _request(client, "POST", TICKET, "/api/stream/ticket")
    samples.append(sample)
    if answer is None or answer.status_code != 200:
        held.error = f"ticket: {sample.status or sample.error}"
        return
    ticket = str(answer.json()["ticket"])
    async with _client(base_url, None) as client:
        began = time.perf_counter()
        try:
            async with (
                asyncio.timeout(max(0.0, deadline - began)),
                client.stream("GET", "/api/stream", params={"ticket": ticket}) as response,
            ):
                held.opened_s = time.perf_counter() - began
                samples.append(Sample(STREAM, response.status_code, held.opened_s, 0))
                if response.status_code != 200:
                    held.error = f"stream: {response.status_code}"
                    return
                async for line in response.aiter_lines():
                    if line.startswith("event: "):
                        if held.first_event_s is None:
                            held.first_event_s = time.perf_counter() - began
                        held.events[line.removeprefix("event: ")] += 1
        except TimeoutError:  # the deadline: held for the whole run, or never opened
            if held.opened_s is None:
                held.error = "not opened by the deadline"
                samples.append(Sample(STREAM, None, time.perf_counter() - began, 0, held.error))
        except httpx.HTTPError as exc:
            held.error = type(exc).__name__
            if held.opened_s is None:
                samples.append(Sample(STREAM, None, time.perf_counter() - began, 0, held.error))
