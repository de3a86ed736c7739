"""The figures of one run, as a dictionary (the `--json` output) and as a table.

Everything a claim needs comes from the same run: the per-route rows, the
total against the target, what the store held (the load the API
served), the CPU each process used in the window (the host's speed varies
up to 3x between runs, and the clients share its two cores with the
system), and the settings that shaped it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np

from benchmarks.api_load.load import LoadResult, Sample, StreamSample

TARGET_REQUESTS_PER_S: Final = 300.0
TARGET_P99_MS: Final = 250.0


def route_row(route: str, samples: Sequence[Sample], seconds: float) -> dict[str, Any]:
    """Requests, requests/s, p50/p99/max ms, mean body bytes and errors (by status) of `samples`.

    Errors are answers of status 400 and above, by status, and requests that
    got no answer, by the client's exception.
    """
    ms = np.array([s.seconds * 1000 for s in samples], dtype=float)
    p50, p99 = (float(v) for v in np.percentile(ms, [50, 99])) if ms.size else (None, None)
    errors = Counter(
        str(s.status) if s.status is not None else str(s.error)
        for s in samples
        if s.status is None or s.status >= 400
    )
    return {
        "route": route,
        "requests": len(samples),
        "requests_per_s": len(samples) / seconds,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": float(ms.max()) if ms.size else None,
        "mean_bytes": float(np.mean([s.size for s in samples])) if samples else None,
        "errors": dict(sorted(errors.items())),
    }


def stream_summary(streams: Sequence[StreamSample]) -> dict[str, Any]:
    """How the held streams went: opened, time to first event, events received."""
    opened = [s.opened_s * 1000 for s in streams if s.opened_s is not None]
    first = [None if s.first_event_s is None else s.first_event_s * 1000 for s in streams]
    got = [f for f in first if f is not None]
    kinds: Counter[str] = Counter()
    for s in streams:
        kinds.update(s.events)
    return {
        "clients": len(streams),
        "opened": len(opened),
        "opened_ms_p50": float(np.percentile(opened, 50)) if opened else None,
        "first_event_ms": first,
        "first_event_ms_p50": float(np.percentile(got, 50)) if got else None,
        "events_per_client": [sum(s.events.values()) for s in streams],
        "events_by_type": dict(sorted(kinds.items())),
        "errors": [s.error for s in streams if s.error is not None],
    }


def figures(
    result: LoadResult,
    routes: Sequence[str],
    *,
    settings: Mapping[str, Any],
    store: Mapping[str, Mapping[str, int]],
    cpu_seconds: Mapping[str, float | None],
) -> dict[str, Any]:
    """The whole report (the keys are listed in the package docstring)."""
    rows = [
        route_row(r, [s for s in result.samples if s.route == r], result.seconds) for r in routes
    ]
    total = route_row("total", result.samples, result.seconds)
    p99 = total["p99_ms"]
    return {
        "settings": dict(settings),
        "seconds": result.seconds,
        "routes": rows,
        "total": total,
        "stream": stream_summary(result.streams),
        "store": {k: dict(v) for k, v in store.items()},
        "cpu_seconds": dict(cpu_seconds),
        "target": {
            "requests_per_s": TARGET_REQUESTS_PER_S,
            "p99_ms": TARGET_P99_MS,
            "requests_per_s_reached": total["requests_per_s"] / TARGET_REQUESTS_PER_S,
            "met": total["requests_per_s"] >= TARGET_REQUESTS_PER_S
            and p99 is not None
            and p99 < TARGET_P99_MS,
        },
    }


def table(f: Mapping[str, Any]) -> str:
    """`figures` for a terminal."""
    s = f["settings"]
    lines = [
        f"supplysync API: {s['clients']} clients ({s['pollers']} polling, {s['streams']} holding "
        f"the stream) for {f['seconds']:.1f} s, {s['db']} store, live system running",
        f"{'route':<32}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'bytes':>9}  errors",
    ]
    for row in [*f["routes"], f["total"]]:
        errors = ", ".join(f"{k}: {n}" for k, n in row["errors"].items()) or "-"
        lines.append(
            f"{row['route']:<32}{row['requests']:>9,}{row['requests_per_s']:>8.1f}"
            f"{_ms(row['p50_ms'])}{_ms(row['p99_ms'])}{_ms(row['max_ms'])}"
            f"{_ms(row['mean_bytes'])}  {errors}"
        )
    lines += [_stream_line(f["stream"]), _store_line(f["store"]), _cpu_line(f), _target_line(f)]
    lines.append(
        f"(the API's rate limits raised to {s['rate_per_s']:,.0f}/s, burst {s['rate_burst']:,}, "
        "by SUPPLYSYNC_API_RATE_PER_S and SUPPLYSYNC_API_RATE_BURST; devices at --speed "
        f"{s['device_speed']:g}; the history route asks for {s['history_asset']} over the whole "
        f"run; {s['cores']} cores, 1-minute load average {s['load_average_1m']:.2f} at the start)"
    )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:>9,.0f}"


def _stream_line(st: Mapping[str, Any]) -> str:
    got = sum(1 for v in st["first_event_ms"] if v is not None)
    first = "-" if st["first_event_ms_p50"] is None else f"{st['first_event_ms_p50']:,.0f} ms"
    opened = "-" if st["opened_ms_p50"] is None else f"{st['opened_ms_p50']:,.0f} ms"
    events = st["events_per_client"]
    kinds = ", ".join(f"{k} {n}" for k, n in st["events_by_type"].items()) or "none"
    spread = f"{min(events)}-{max(events)}" if events else "-"
    errors = f"; errors: {', '.join(st['errors'])}" if st["errors"] else ""
    return (
        f"stream: {st['opened']} of {st['clients']} opened (p50 {opened}); first event p50 "
        f"{first} ({got} of {st['clients']} got one); events per client {spread} "
        f"(in all: {kinds}){errors}"
    )


def _store_line(store: Mapping[str, Mapping[str, int]]) -> str:
    def counts(c: Mapping[str, int]) -> str:
        return ", ".join(f"{n:,} {k}" for k, n in c.items())

    return f"store at the start: {counts(store['start'])}; at the end: {counts(store['end'])}"


def _cpu_line(f: Mapping[str, Any]) -> str:
    cores = f["settings"]["cores"]
    used = ", ".join(
        f"{name} {'-' if s is None else f'{s:.1f}'}" for name, s in f["cpu_seconds"].items()
    )
    return (
        f"CPU seconds in the {f['seconds']:.1f} s ({cores} cores: "
        f"{cores * f['seconds']:.1f} available): {used}"
    )


def _target_line(f: Mapping[str, Any]) -> str:
    t, total = f["target"], f["total"]
    p99 = total["p99_ms"]
    bound = "-" if p99 is None else f"{p99:,.0f} ms ({p99 / t['p99_ms']:.1f}x the bound)"
    return (
        f"target {t['requests_per_s']:.0f} req/s with p99 < {t['p99_ms']:.0f} ms: "
        f"{total['requests_per_s']:.1f} req/s ({t['requests_per_s_reached']:.0%} of it), "
        f"p99 {bound}: {'met' if t['met'] else 'not met'}"
    )
