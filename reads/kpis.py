"""KPIs of a live run, from what the event store holds.

The demo's `supplysync.kpi.Kpis` come from the simulator's ground truth
(spoilage, carrying cost, downtime) that a live system does not have. Here
each figure is one the store can back: fill and on-time rates from
customer orders against proofs of delivery, replans and their solver time
from plans, alerts by kind, dead letters. Rates over an empty period are
None rather than a flattering 1.0. What a customer cancelled (by `until`)
and was not delivered is no longer ordered: a withdrawn order neither
lowers the fill rate nor counts as served.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from adapters.store import EventStore

_START: Final = datetime(1970, 1, 1, tzinfo=UTC)


class KpisPublic(BaseModel):
    """Figures over `[since, until)`; latencies are build plus solve time of each plan."""

    model_config = ConfigDict(frozen=True)

    since: datetime
    until: datetime
    ordered_units: float
    cancelled_units: float
    delivered_units: float
    refused_units: float
    fill_rate: float | None
    on_time_rate: float | None
    replans: int
    replan_latency_p50_ms: float | None
    replan_latency_max_ms: float | None
    plans_by_status: dict[str, int]
    shortage_units_current_plan: float | None
    alerts_by_kind: dict[str, int]
    dead_letters: int


def live_kpis(store: EventStore, *, run_id: str, since: datetime, until: datetime) -> KpisPublic:
    """The KPIs of the run over `[since, until)`."""
    orders = store.orders(since, until, run_id=run_id)
    deliveries = store.deliveries(since, until, run_id=run_id)
    plans = store.plan_summaries(since=since, until=until, run_id=run_id)
    alerts = store.alerts(since, until, run_id=run_id)
    accepted = [d for d in deliveries if d.accepted]
    delivered = sum(d.quantity for d in accepted)
    cancelled = {c.order_id for c in store.cancellations(_START, until, run_id=run_id)}
    got: dict[str, float] = defaultdict(float)
    for d in accepted:
        got[d.order_id] += d.quantity
    withdrawn = sum(
        max(0.0, o.quantity - got[o.order_id]) for o in orders if o.order_id in cancelled
    )
    ordered = sum(o.quantity for o in orders) - withdrawn
    on_time = sum(d.quantity for d in accepted if d.on_time)
    latencies = [(p.build_seconds + p.solve_seconds) * 1000 for p in plans]
    return KpisPublic(
        since=since,
        until=until,
        ordered_units=round(ordered, 6),
        cancelled_units=round(withdrawn, 6),
        delivered_units=round(delivered, 6),
        refused_units=round(sum(d.quantity for d in deliveries if not d.accepted), 6),
        fill_rate=round(min(1.0, delivered / ordered), 6) if ordered else None,
        on_time_rate=round(on_time / delivered, 6) if delivered else None,
        replans=len(plans),
        replan_latency_p50_ms=round(statistics.median(latencies), 3) if latencies else None,
        replan_latency_max_ms=round(max(latencies), 3) if latencies else None,
        plans_by_status=dict(sorted(Counter(p.status.value for p in plans).items())),
        shortage_units_current_plan=(plans[-1].shortage_units if plans else None),
        alerts_by_kind=dict(sorted(Counter(a.kind.value for a in alerts).items())),
        dead_letters=len(store.dead_letters(since, until, run_id=run_id)),
    )
