"""`/metrics` in the Prometheus text exposition format (version 0.0.4).

Store-backed figures are gauges over a trailing window (the live KPIs of
the last `window`), because the API is not the process that ingests or
plans and cannot keep counters of what others did; the API's own activity
(refused requests, stream subscribers, what-ifs running, the audit buffer)
is counted here. Queue depths live in the live loop's memory; that process
records them as a `LoopStatus` every few seconds, and the latest one is
reported with its age (`supplysync_live_status_age_seconds`), so a loop that
stopped reporting shows as an age that keeps growing rather than as depths
that look calm. Before the first status there are none of these families.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from adapters.store import EventStore
from reads.kpis import live_kpis
from supplysync.network import Network
from supplysync.status import LoopStatus


def _line(name: str, value: float, labels: Mapping[str, str] | None = None) -> str:
    # Integers exactly: `:g` would print a counter of 1,234,567 as 1.23457e+06.
    text = str(value) if isinstance(value, int) else f"{value:g}"
    if labels:
        inner = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {text}"
    return f"{name} {text}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, help_: str, samples: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_}", f"# TYPE {name} {kind}", *samples]


def render(
    store: EventStore,
    network: Network | None,
    *,
    run_id: str,
    now: datetime,
    window: timedelta,
    api: Mapping[str, float],
    refusals: Mapping[int, int],
) -> str:
    """The exposition text for the run's last `window` and the API's own gauges."""
    k = live_kpis(store, run_id=run_id, since=now - window, until=now)
    minute = now - timedelta(minutes=1)
    assets = network.asset_kinds() if network is not None else {}
    readings = sum(len(store.readings(asset_id, minute, now, run_id=run_id)) for asset_id in assets)
    w = f"{window.total_seconds() / 3600:g}h"
    lines = [
        *_family(
            "supplysync_ingest_readings_per_second",
            "gauge",
            "readings stored over the last minute, per second",
            [_line("supplysync_ingest_readings_per_second", readings / 60)],
        ),
        *_family(
            "supplysync_replans",
            "gauge",
            f"plans made in the last {w}",
            [_line("supplysync_replans", k.replans)],
        ),
        *_family(
            "supplysync_replan_latency_ms",
            "gauge",
            f"build plus solve time of plans in the last {w}",
            [
                _line("supplysync_replan_latency_ms", v, {"stat": stat})
                for stat, v in (("p50", k.replan_latency_p50_ms), ("max", k.replan_latency_max_ms))
                if v is not None
            ],
        ),
        *_family(
            "supplysync_plans_by_status",
            "gauge",
            f"plans of the last {w} by solver outcome",
            [
                _line("supplysync_plans_by_status", n, {"status": s})
                for s, n in k.plans_by_status.items()
            ],
        ),
        *_family(
            "supplysync_alerts",
            "gauge",
            f"alerts raised in the last {w} by kind",
            [_line("supplysync_alerts", n, {"kind": kind}) for kind, n in k.alerts_by_kind.items()],
        ),
        *_family(
            "supplysync_dead_letters",
            "gauge",
            f"inputs refused in the last {w}",
            [_line("supplysync_dead_letters", k.dead_letters)],
        ),
        *_family(
            "supplysync_api_refused_requests_total",
            "counter",
            "requests this API process refused, by status",
            [
                _line("supplysync_api_refused_requests_total", n, {"status": str(s)})
                for s, n in sorted(refusals.items())
            ],
        ),
    ]
    status = store.latest_status(run_id=run_id)
    if status is not None:
        lines += _live(status, now)
    for name, value in sorted(api.items()):
        lines += _family(f"supplysync_api_{name}", "gauge", name.replace("_", " "), [])
        lines.append(_line(f"supplysync_api_{name}", value))
    return "\n".join(lines) + "\n"


def _live(status: LoopStatus, now: datetime) -> list[str]:
    """The live loop's gauges from its latest recorded status."""
    depths = {
        "ingest_pending": status.ingest_pending_messages,
        "ingest_unacked": status.unacked_messages,
        "commands_pending": status.commands_pending,
        "alerts_queued": status.alerts_queued,
    }
    return [
        *_family(
            "supplysync_live_status_age_seconds",
            "gauge",
            "seconds since the live loop recorded the status the live figures come from",
            [_line("supplysync_live_status_age_seconds", (now - status.taken_at).total_seconds())],
        ),
        *_family(
            "supplysync_queue_depth",
            "gauge",
            "items waiting in the live loop, by queue, at its latest status",
            [
                _line("supplysync_queue_depth", n, {"queue": queue})
                for queue, n in depths.items()
                if n is not None
            ],
        ),
        *_family(
            "supplysync_live_replan_running",
            "gauge",
            "1 while the live loop's planner was working, at its latest status",
            [_line("supplysync_live_replan_running", int(status.replan_running))],
        ),
        *_family(
            "supplysync_live_readings_total",
            "counter",
            "readings the live loop recorded since it started",
            [_line("supplysync_live_readings_total", status.readings_total)],
        ),
        *_family(
            "supplysync_live_host_failures_total",
            "counter",
            "agent-host calls of the live loop that failed since it started",
            [_line("supplysync_live_host_failures_total", status.host_failures)],
        ),
    ]
