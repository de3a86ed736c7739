"""The coordinator: a replanning loop's state held between turns, for one network.

The turn itself is `replan.turn`, plain and Ray-free; this class holds its
`TurnState`, the policy's planner (which may keep a warm model between
replans) and the directory the agents are reached through. Research mode
and live mode step it alike, one `TurnInputs` a turn;
`cluster/coordinator_actor.py` runs it as a Ray actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from policies.policy import Policy
from replan import (
    Dispatch,
    ShapeSnapshot,
    TurnInputs,
    TurnSettings,
    TurnState,
    TurnStats,
    offered,
    replan,
    restore,
    turn,
)
from runtime.directory import Directory
from supplysync.commands import Command
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


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
        settings = TurnSettings(
            network=network,
            planning=planning,
            origin=origin,
            run_end=run_end,
            plan_prefix=plan_prefix or policy.name,
            replans=policy.replans,
            whole_run=policy.whole_run,
            trigger_kinds=policy.trigger_kinds,
        )
        self._state = TurnState.starting(settings)
        self._planner = policy.make_planner()
        self._directory = directory
        self._shape = shape_snapshot

    @property
    def current_plan(self) -> Plan | None:
        return self._state.current_plan

    @property
    def plans(self) -> list[Plan]:
        return list(self._state.plans)

    @property
    def stats(self) -> TurnStats:
        return self._state.stats

    def restore(
        self,
        plans: Sequence[Plan],
        commands: Sequence[Command],
        orders: Sequence[CustomerOrder] = (),
        deliveries: Sequence[ProofOfDelivery] = (),
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        """Take back what a restarted coordinator knew, from the store (`replan.restore`)."""
        self._state = restore(
            self._state,
            plans,
            commands,
            orders=orders,
            deliveries=deliveries,
            cancellations=cancellations,
        )

    def step(self, inputs: TurnInputs) -> Dispatch | None:
        """One turn (`replan.turn`): its news taken in, and a replan if the trigger says so.

        The trigger's first tick is at the origin, so the first step plans.
        """
        self._state, dispatch = turn(
            self._state, inputs, self._planner, self._directory, shape=self._shape
        )
        return dispatch

    def replan(
        self, now: datetime, causes: Sequence[str], alerts: Sequence[Alert] = ()
    ) -> Dispatch:
        """Make, review and commit a plan now, whatever the trigger says (`replan.replan`)."""
        self._state, dispatch = replan(
            self._state,
            now,
            causes,
            self._planner,
            self._directory,
            alerts=alerts,
            shape=self._shape,
        )
        return dispatch

    def snapshot(self, now: datetime) -> NetworkSnapshot:
        """What a replan now would see (before `shape_snapshot`): the agents' offers and demand."""
        return offered(self._state, self._directory, now)

    def close(self) -> None:
        """Nothing to release in this process; here so callers close any coordinator alike."""
