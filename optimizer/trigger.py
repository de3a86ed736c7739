"""When to replan: a decision function over a frozen state.

Significant alerts open a burst; the burst fires one replan `debounce_minutes`
after its first alert, whatever else arrives meanwhile. A periodic tick every
`tick_hours` from an origin fires as well (the first tick is at the origin,
so the first call plans), and an operator's request (by its id, as
`supplysync.control.OperatorRequest` records it) fires at once. Whatever
fires, every alert collected so far becomes a cause of that replan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from supplysync.events import Alert, AlertKind
from supplysync.scenario import PlanningSettings

SIGNIFICANT = frozenset(
    {
        AlertKind.PREDICTED_FAILURE,
        AlertKind.MACHINE_DOWN,
        AlertKind.MACHINE_RESTORED,
        AlertKind.LATE_SHIPMENT,
        AlertKind.COLD_CHAIN_EXCURSION,
        AlertKind.ROUTE_DEVIATION,
        AlertKind.ETA_SLIP,
        AlertKind.NEAR_CAPACITY,
        AlertKind.BELOW_REORDER_POINT,
        AlertKind.DEMAND_SPIKE,
    }
)


@dataclass(frozen=True)
class TriggerState:
    """What the trigger remembers between calls.

    Attributes:
        next_tick: when the periodic tick fires next.
        burst_start: time of the first alert of the open burst, if any.
        pending: ids of the significant alerts collected since the last replan.
    """

    next_tick: datetime
    burst_start: datetime | None = None
    pending: tuple[str, ...] = ()

    @classmethod
    def starting(cls, origin: datetime) -> TriggerState:
        """A fresh state whose first tick is at `origin`."""
        return cls(next_tick=origin)


def decide(
    state: TriggerState,
    alerts: Sequence[Alert],
    now: datetime,
    settings: PlanningSettings,
    requests: Sequence[str] = (),
) -> tuple[bool, TriggerState, list[str]]:
    """Whether to replan now, the new state, and the alert and request ids that cause it.

    `requests` are the ids of operators' replan requests since the last call.
    """
    state = _collect(state, alerts, now)
    tick_due = now >= state.next_tick
    burst_due = state.burst_start is not None and now >= state.burst_start + timedelta(
        minutes=settings.debounce_minutes
    )
    if not (requests or tick_due or burst_due):
        return False, state, []
    next_tick = _after(state.next_tick, now, settings.tick_hours) if tick_due else state.next_tick
    causes = [*state.pending, *(r for r in requests if r not in state.pending)]
    return True, TriggerState(next_tick=next_tick), causes


def _collect(state: TriggerState, alerts: Sequence[Alert], now: datetime) -> TriggerState:
    """Add new significant alerts to the burst (opening it at the first one's time)."""
    fresh = [a for a in alerts if a.kind in SIGNIFICANT and a.alert_id not in state.pending]
    if not fresh:
        return state
    ids = tuple(dict.fromkeys(a.alert_id for a in fresh))
    start = state.burst_start or min(*(a.ts for a in fresh), now)
    return replace(state, burst_start=start, pending=state.pending + ids)


def _after(tick: datetime, now: datetime, tick_hours: float) -> datetime:
    """The first tick on the grid of `tick` that lies after `now` (missed ticks fire once)."""
    step = timedelta(hours=tick_hours)
    missed = int((now - tick) / step) + 1
    return tick + missed * step
