"""One replanning turn: take in the news, ask the trigger, and replan if it says so.

A trigger policy decides when to replan (significant alerts, debounced; a
periodic tick; an operator's request). A replan asks every agent for its
offer, freezes them into a snapshot, passes it through `shape` (live mode
applies the operators' overrides there), calls the planner, and lets each
agent review its part (`replan.negotiate`); the accepted commands are
committed to the agents and returned for dispatch. Research mode and live
mode run this same function, through `runtime.coordinator.Coordinator`,
which holds the state between turns in this process or in a Ray actor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from optimizer import diff_plans
from optimizer.trigger import decide
from replan.agents import Agents
from replan.dispatch import Dispatch
from replan.negotiate import negotiate
from replan.routes import on_board, remember
from replan.state import TurnState
from supplysync.commands import AssignmentResponse, Command
from supplysync.events import Alert
from supplysync.offers import (
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan, PlanStatus
from supplysync.scenario import PlanningSettings

Planner = Callable[[NetworkSnapshot, PlanningSettings, str, Sequence[str], Plan | None], Plan]
"""snapshot, settings, plan id, causes, the plan in force → the new plan."""

ShapeSnapshot = Callable[[NetworkSnapshot], NetworkSnapshot]
"""Edits the agents' snapshot before it is planned (operator overrides)."""


@dataclass(frozen=True)
class TurnInputs:
    """What happened since the last turn, and the time of this one.

    Attributes:
        now: the turn's time, on the loop's clock (virtual or the network's).
        alerts: the agents' new alerts.
        orders: new customer orders.
        deliveries: new proofs of delivery.
        cancellations: orders their customers withdrew.
        requests: ids of operators' requests for a replan.
    """

    now: datetime
    alerts: Sequence[Alert] = ()
    orders: Sequence[CustomerOrder] = ()
    deliveries: Sequence[ProofOfDelivery] = ()
    cancellations: Sequence[OrderCancellation] = ()
    requests: Sequence[str] = ()


def turn(
    state: TurnState,
    inputs: TurnInputs,
    planner: Planner,
    agents: Agents,
    *,
    shape: ShapeSnapshot | None = None,
) -> tuple[TurnState, Dispatch | None]:
    """The next state, and the dispatch of the replan this turn made (None if it made none).

    A policy that does not replan plans once, at its first turn, and then
    only keeps its order book. Causes of a replan are the ids of the alerts
    and requests behind it, as the trigger gives them.
    """
    settings, now = state.settings, inputs.now
    state.orders.add(inputs.orders)
    state.orders.deliver(inputs.deliveries)
    state.orders.cancel(inputs.cancellations)
    state.orders.expire(now)
    stats = replace(state.stats, alerts_seen=state.stats.alerts_seen + len(inputs.alerts))
    state = replace(state, stats=stats)
    if state.plans and not settings.replans:
        return state, None
    kinds = settings.trigger_kinds if settings.replans else frozenset()
    alerts = [a for a in inputs.alerts if kinds is None or a.kind in kinds]
    requests = list(inputs.requests) if settings.replans else []
    held = {**state.held, **{a.alert_id: a for a in alerts}}
    fire, trigger, causes = decide(state.trigger, alerts, now, settings.planning, requests)
    caused = [held[c] for c in causes if c in held]
    state = replace(state, trigger=trigger, held={i: held[i] for i in trigger.pending if i in held})
    if not fire:
        return state, None
    return replan(state, now, causes, planner, agents, alerts=caused, shape=shape)


def replan(
    state: TurnState,
    now: datetime,
    causes: Sequence[str],
    planner: Planner,
    agents: Agents,
    *,
    alerts: Sequence[Alert] = (),
    shape: ShapeSnapshot | None = None,
) -> tuple[TurnState, Dispatch]:
    """Make, negotiate and commit a plan now, whatever the trigger says.

    `causes` are the ids of the alerts and requests behind it; `alerts` the
    alerts among them, which the planner sees whole as `snapshot.causes`.
    A stale plan (none in time) is recorded but sends nothing: the agents
    keep the commands they hold.
    """
    started = time.perf_counter()
    settings = state.settings
    snapshot = offered(state, agents, now)
    if alerts:
        snapshot = snapshot.model_copy(update={"causes": list(alerts)})
    shaped = snapshot if shape is None else shape(snapshot)
    plan_id = f"{settings.plan_prefix}-{len(state.plans) + 1:04d}"
    previous = state.current_plan

    def remake(edited: NetworkSnapshot) -> Plan:
        return planner(edited, settings.planning, plan_id, causes, previous)

    plan = remake(shaped)
    commands: list[Command] = []
    responses: list[AssignmentResponse] = []
    withdrawn = 0
    if plan.status is not PlanStatus.STALE:
        agreed = negotiate(plan, shaped, remake, agents, network=settings.network, now=now)
        plan, commands, responses = agreed.plan, agreed.commands, agreed.responses
        withdrawn = len(agreed.withdrawn)
        agents.commit(commands)
    plan = plan.model_copy(update={"diff": diff_plans(previous, plan)})
    latency = time.perf_counter() - started
    stats = state.stats
    state = replace(
        state,
        plans=(*state.plans, plan),
        routes=remember(state.routes, commands),
        stats=replace(
            stats,
            replans=stats.replans + 1,
            rejections=stats.rejections + withdrawn,
            latencies_s=(*stats.latencies_s, latency),
        ),
    )
    return state, Dispatch(plan, commands, responses, latency, snapshot)


def offered(state: TurnState, agents: Agents, now: datetime) -> NetworkSnapshot:
    """What a replan now would see before `shape`: the agents' offers and the book's demand.

    Orders riding on a vehicle out on its trip are left out of the demand.
    """
    window = state.settings.window(now)
    offers = agents.offers(window, now)
    vehicles = [o for o in offers if isinstance(o, VehicleOffer)]
    orders = state.orders
    return NetworkSnapshot(
        taken_at=now,
        window=window,
        network=state.settings.network,
        machines=[o for o in offers if isinstance(o, MachineOffer)],
        suppliers=[o for o in offers if isinstance(o, SupplierOffer)],
        warehouses=[o for o in offers if isinstance(o, WarehouseOffer)],
        vehicles=vehicles,
        demand=orders.demand(window, exclude=on_board(state.routes, vehicles, window)),
        demand_cv=orders.demand_cv(),
        demand_levels=orders.demand_levels(),
    )
