"""The coordinator: owns the replanning loop.

It hears every alert, order and proof of delivery; a trigger policy decides
when to replan (significant alerts, debounced; a periodic tick; an operator's
request, `request`). A replan asks every agent for its offer, freezes them
into a snapshot, passes it through `shape_snapshot` (live mode applies the
operators' overrides there), calls the policy's planner, and lets each agent
review its part.
An asset that rejects has its offer withdrawn and the plan is made once more;
then the accepted commands are committed to the agents and returned for
dispatch. Plain Python: `cluster/coordinator_actor.py` runs it as a Ray actor.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cluster.directory import Directory
from cluster.policies import Policy
from optimizer import commands_for, diff_plans
from optimizer.demand import OrderBook
from optimizer.trigger import TriggerState, decide
from supplysync.commands import AssignmentResponse, Command
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import (
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import PlanningWindow, period_floor
from supplysync.scenario import PlanningSettings

ShapeSnapshot = Callable[[NetworkSnapshot], NetworkSnapshot]
"""Edits the agents' snapshot before it is planned (operator overrides)."""


@dataclass(frozen=True)
class Dispatch:
    """The outcome of one replan: the plan, what agents said, what goes out.

    `snapshot` is what the agents offered, before `shape_snapshot` and any
    withdrawal: the raw material a what-if starts from, to which the
    overrides in force can be applied again (`cluster.overrides`).
    """

    plan: Plan
    commands: list[Command]
    responses: list[AssignmentResponse]
    latency_s: float
    snapshot: NetworkSnapshot | None = None


@dataclass
class CoordinatorStats:
    """Counters for KPIs and metrics."""

    replans: int = 0
    rejections: int = 0
    latencies_s: list[float] = field(default_factory=list)
    alerts_seen: int = 0


class Coordinator:
    """The replanning loop for one network under one policy.

    Args:
        network: the static network.
        planning: horizon, tick, debounce and solver settings.
        directory: how to reach the agents (Ray or in-process).
        policy: which planner, and whether it replans at all.
        origin: start of the run; periods and ticks are counted from it.
        run_end: end of the run; the static policy plans up to it.
        shape_snapshot: applied to every snapshot before it is planned;
            identity by default.
        plan_prefix: plan ids are `{plan_prefix}-0001`, ...; the policy's
            name by default. A live system restarted on the same store needs
            a new prefix, or its plans and commands would reuse ids the
            store and the devices have already seen (both dedupe by id).
    """

    def __init__(
        self,
        *,
        network: Network,
        planning: PlanningSettings,
        directory: Directory,
        policy: Policy,
        origin: datetime,
        run_end: datetime,
        shape_snapshot: ShapeSnapshot | None = None,
        plan_prefix: str | None = None,
    ) -> None:
        self._network = network
        self._planning = planning
        self._directory = directory
        self._policy = policy
        self._planner = policy.make_planner()
        self._origin = origin
        self._run_end = run_end
        self._shape = shape_snapshot
        self._prefix = plan_prefix or policy.name
        self._orders = OrderBook(network)
        self._trigger = TriggerState.starting(origin)
        self._pending: list[Alert] = []
        self._held: dict[str, Alert] = {}  # the alerts behind the trigger's pending ids
        self._requested: list[str] = []
        self._plans: list[Plan] = []
        self._routes: dict[str, list[tuple[datetime, list[str]]]] = {}
        self.stats = CoordinatorStats()

    @property
    def current_plan(self) -> Plan | None:
        return self._plans[-1] if self._plans else None

    @property
    def plans(self) -> list[Plan]:
        return list(self._plans)

    def observe(
        self,
        alerts: Sequence[Alert],
        orders: Sequence[CustomerOrder],
        deliveries: Sequence[ProofOfDelivery],
        now: datetime,
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        """Take in what happened since the last call."""
        self._orders.add(orders)
        self._orders.deliver(deliveries)
        self._orders.cancel(cancellations)
        self._orders.expire(now)
        self.stats.alerts_seen += len(alerts)
        if self._policy.replans:
            kinds = self._policy.trigger_kinds
            self._pending.extend(a for a in alerts if kinds is None or a.kind in kinds)

    def request(self, request_id: str) -> None:
        """An operator asks for a replan: the next `step` makes one, caused by `request_id`."""
        if self._policy.replans:
            self._requested.append(request_id)

    def restore(
        self,
        plans: Sequence[Plan],
        commands: Sequence[Command],
        orders: Sequence[CustomerOrder] = (),
        deliveries: Sequence[ProofOfDelivery] = (),
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        """Take back what a restarted coordinator knew, from the store (a fresh loop only).

        Plan ids go on from the last of `plans`, the next plan is diffed
        against and warm-started from it, and the routes `commands` (the
        recent plans') carry are remembered as if just dispatched: what
        vehicles out on a trip hold. The orders, proofs and cancellations
        rebuild the order book, unexpired: the next `observe` expires with
        its own clock. The trigger starts again, so the next `step` replans
        at once: the alerts a dead coordinator held are gone, and a plan
        from the agents' offers now serves whatever they asked for.
        """
        self._plans = list(plans)
        self._remember_routes(commands)
        self._orders.add(orders)
        self._orders.deliver(deliveries)
        self._orders.cancel(cancellations)
        self._trigger = TriggerState.starting(self._origin)

    def step(self, now: datetime) -> Dispatch | None:
        """Replan if the trigger policy says so (its first tick is at the origin)."""
        if self._plans and not self._policy.replans:
            return None
        self._held.update((a.alert_id, a) for a in self._pending)
        fire, self._trigger, causes = decide(
            self._trigger, self._pending, now, self._planning, self._requested
        )
        self._pending, self._requested = [], []
        caused = [self._held[c] for c in causes if c in self._held]
        self._held = {i: self._held[i] for i in self._trigger.pending if i in self._held}
        return self.replan(now, causes, caused) if fire else None

    def replan(
        self, now: datetime, causes: Sequence[str], alerts: Sequence[Alert] = ()
    ) -> Dispatch:
        """Make, review and commit a plan now.

        `causes` are the ids of the alerts and requests behind it; `alerts`
        the alerts among them, which the policy sees whole as
        `snapshot.causes`.
        """
        started = time.perf_counter()
        window = self._window(now)
        offered = self._snapshot(window, now)
        if alerts:
            offered = offered.model_copy(update={"causes": list(alerts)})
        snapshot = offered if self._shape is None else self._shape(offered)
        plan_id = f"{self._prefix}-{len(self._plans) + 1:04d}"
        plan = self._planner(snapshot, self._planning, plan_id, causes, self.current_plan)
        if plan.status is PlanStatus.STALE:
            return self._keep(plan, started, offered)
        commands = commands_for(plan, self._network, now)
        responses = self._directory.review(commands)
        rejected = {r.asset_id for r in responses if not r.accepted}
        if rejected:
            self.stats.rejections += len(rejected)
            snapshot = _withdraw(snapshot, rejected)
            notes = [f"{r.asset_id} rejected: {r.reason}" for r in responses if not r.accepted]
            plan = self._planner(snapshot, self._planning, plan_id, causes, self.current_plan)
            update: dict[str, Any] = {"notes": [*plan.notes, *notes]}
            if plan.how is not None:
                update["how"] = plan.how.model_copy(update={"withdrawn": sorted(rejected)})
            plan = plan.model_copy(update=update)
            commands = commands_for(plan, self._network, now)
            responses = self._directory.review(commands)
            refused = {r.asset_id for r in responses if not r.accepted}
            commands = [c for c in commands if c.asset_id not in refused]
        plan = plan.model_copy(update={"diff": diff_plans(self.current_plan, plan)})
        self._directory.commit(commands)
        self._remember_routes(commands)
        self._plans.append(plan)
        latency = time.perf_counter() - started
        self.stats.replans += 1
        self.stats.latencies_s.append(latency)
        return Dispatch(plan, commands, responses, latency, offered)

    def snapshot(self, now: datetime) -> NetworkSnapshot:
        """What a replan now would see (before `shape_snapshot`): the agents' offers and demand."""
        return self._snapshot(self._window(now), now)

    def _keep(self, stale: Plan, started: float, offered: NetworkSnapshot) -> Dispatch:
        """No new plan in time: the agents keep the commands they hold; nothing is sent."""
        stale = stale.model_copy(update={"diff": diff_plans(self.current_plan, stale)})
        self._plans.append(stale)
        latency = time.perf_counter() - started
        self.stats.replans += 1
        self.stats.latencies_s.append(latency)
        return Dispatch(stale, [], [], latency, offered)

    def _window(self, now: datetime) -> PlanningWindow:
        hours = self._planning.period_hours
        start = period_floor(now, self._origin, hours)
        if self._policy.whole_run:
            span = (self._run_end - start).total_seconds() / 3600.0
            periods = max(1, round(span / hours))
        else:
            periods = self._planning.horizon_periods
        return PlanningWindow(start=start, period_hours=hours, periods=periods)

    def _snapshot(self, window: PlanningWindow, now: datetime) -> NetworkSnapshot:
        offers = self._directory.offers(window, now)
        vehicles = [o for o in offers if isinstance(o, VehicleOffer)]
        on_board = self._orders_on_board(vehicles, window)
        return NetworkSnapshot(
            taken_at=now,
            window=window,
            network=self._network,
            machines=[o for o in offers if isinstance(o, MachineOffer)],
            suppliers=[o for o in offers if isinstance(o, SupplierOffer)],
            warehouses=[o for o in offers if isinstance(o, WarehouseOffer)],
            vehicles=vehicles,
            demand=self._orders.demand(window, exclude=on_board),
            demand_cv=self._orders.demand_cv(),
            demand_levels=self._orders.demand_levels(),
        )

    def _orders_on_board(
        self, vehicles: Iterable[VehicleOffer], window: PlanningWindow
    ) -> set[str]:
        """Order ids on routes of the current period whose vehicle is out."""
        out = {v.vehicle_id for v in vehicles if not v.available}
        ids: set[str] = set()
        for vehicle_id in out:
            for start, order_ids in self._routes.get(vehicle_id, []):
                if start == window.start:
                    ids.update(order_ids)
        return ids

    def _remember_routes(self, commands: Iterable[Command]) -> None:
        """Remember the order ids each vehicle's routes carry, by period start.

        A vehicle out on its trip gets no route for the period under way (its
        trip is frozen, never re-sent), so what it already carries stays
        remembered: forgetting it would let the next replan deliver those
        orders a second time, and the customer would book the surplus
        against its next order, a day early.
        """
        for command in commands:
            if command.body.kind != "route":
                continue
            fresh: dict[datetime, list[str]] = defaultdict(list)
            for r in command.body.routes:
                start = command.window.period_start(r.period)
                fresh[start].extend(oid for stop in r.stops for oid in stop.order_ids)
            kept = [
                (start, ids)
                for start, ids in self._routes.get(command.asset_id, [])
                if start == command.window.start and start not in fresh
            ]
            self._routes[command.asset_id] = [*kept, *fresh.items()]


def _withdraw(snapshot: NetworkSnapshot, assets: set[str]) -> NetworkSnapshot:
    """The snapshot with the offers of assets that rejected taken back."""
    machines = [
        m.model_copy(update={"capacity_hours": [0.0] * len(m.capacity_hours)})
        if m.machine_id in assets
        else m
        for m in snapshot.machines
    ]
    suppliers = [
        s.model_copy(update={"quotes": []}) if s.supplier_id in assets else s
        for s in snapshot.suppliers
    ]
    warehouses = [
        w.model_copy(update={"free_units": 0.0}) if w.warehouse_id in assets else w
        for w in snapshot.warehouses
    ]
    vehicles = [v for v in snapshot.vehicles if v.vehicle_id not in assets]
    return snapshot.model_copy(
        update={
            "machines": machines,
            "suppliers": suppliers,
            "warehouses": warehouses,
            "vehicles": vehicles,
        }
    )
