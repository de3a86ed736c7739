"""What a replanning loop knows between two turns, as frozen records.

`TurnSettings` is fixed for a loop's life; `TurnState` is what each turn
reads and returns anew. The one mutable part is the order book
(`optimizer.demand.OrderBook`), which a turn folds its news into in place
rather than copy a run's whole order history every turn: a state is used
once, and the caller goes on with the state the turn returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from optimizer.demand import OrderBook
from optimizer.trigger import TriggerState
from replan.routes import Routes, remember
from supplysync.commands import Command
from supplysync.events import Alert, AlertKind
from supplysync.network import Network
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.planning import PlanningWindow, period_floor
from supplysync.scenario import PlanningSettings


@dataclass(frozen=True)
class TurnSettings:
    """What stays fixed for one loop: the network, its settings, its policy's habits.

    Attributes:
        network: the static network.
        planning: horizon, tick, debounce and solver settings.
        origin: start of the run; periods and ticks are counted from it.
        run_end: end of the run; a whole-run policy plans up to it.
        plan_prefix: plan ids are `{plan_prefix}-0001`, ...
        replans: whether anything after the first plan triggers a new one.
        whole_run: plan once over every remaining day (the static policy).
        trigger_kinds: alert kinds that may trigger a replan; None lets
            every alert through to the trigger's own filter.
    """

    network: Network
    planning: PlanningSettings
    origin: datetime
    run_end: datetime
    plan_prefix: str
    replans: bool = True
    whole_run: bool = False
    trigger_kinds: frozenset[AlertKind] | None = None

    def window(self, now: datetime) -> PlanningWindow:
        """The periods a plan made at `now` covers, from the period under way."""
        hours = self.planning.period_hours
        start = period_floor(now, self.origin, hours)
        if self.whole_run:
            span = (self.run_end - start).total_seconds() / 3600.0
            periods = max(1, round(span / hours))
        else:
            periods = self.planning.horizon_periods
        return PlanningWindow(start=start, period_hours=hours, periods=periods)


@dataclass(frozen=True)
class TurnStats:
    """Counters for KPIs and metrics."""

    replans: int = 0
    rejections: int = 0
    latencies_s: tuple[float, ...] = ()
    alerts_seen: int = 0


@dataclass(frozen=True)
class TurnState:
    """What the loop knows after a turn.

    Attributes:
        settings: fixed for the loop's life.
        orders: the order book (the one mutable part, see the module).
        trigger: when the next replan is due.
        plans: every plan made so far, the one in force last.
        routes: the order ids each vehicle's routes carry.
        held: the alerts behind the trigger's pending ids, by id: a replan
            they cause hands them to the planner whole.
        stats: counters.
    """

    settings: TurnSettings
    orders: OrderBook
    trigger: TriggerState
    plans: tuple[Plan, ...] = ()
    routes: Routes = field(default_factory=dict)
    held: Mapping[str, Alert] = field(default_factory=dict)
    stats: TurnStats = TurnStats()

    @classmethod
    def starting(cls, settings: TurnSettings) -> TurnState:
        """A loop's first state: no plan, an empty order book, the first tick at the origin."""
        return cls(settings, OrderBook(settings.network), TriggerState.starting(settings.origin))

    @property
    def current_plan(self) -> Plan | None:
        return self.plans[-1] if self.plans else None


def restore(
    state: TurnState,
    plans: Sequence[Plan],
    commands: Sequence[Command],
    *,
    orders: Sequence[CustomerOrder] = (),
    deliveries: Sequence[ProofOfDelivery] = (),
    cancellations: Sequence[OrderCancellation] = (),
) -> TurnState:
    """A fresh loop's state given back what a restarted one knew, from the store.

    Plan ids go on from the last of `plans`, the next plan is diffed against
    and warm-started from it, and the routes `commands` (the recent plans')
    carry are remembered as if just dispatched: what vehicles out on a trip
    hold. The orders, proofs and cancellations rebuild the order book,
    unexpired: the next turn expires with its own clock. The trigger starts
    again, so the next turn replans at once: the alerts a dead loop held
    are gone, and a plan from the agents' offers now serves whatever they
    asked for.
    """
    state.orders.add(orders)
    state.orders.deliver(deliveries)
    state.orders.cancel(cancellations)
    return replace(
        state,
        plans=tuple(plans),
        routes=remember(state.routes, commands),
        trigger=TriggerState.starting(state.settings.origin),
        held={},
    )
