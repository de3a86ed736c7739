"""The coordinator as a Ray actor, restarted by Ray when it or its node dies.

The replanning loop is one actor, as the design draws it: agents and ingest
never block on it, and it reaches the agents through the same `Directory`
the driver uses (actor handles travel with it). `RemoteCoordinator` gives the
driver the plain `Coordinator` interface, so the research runner and the
live loop (`supplysync run --coordinator actor`) do not care where the
replanning runs.

Surviving a node: the actor has `max_restarts`, and Ray re-runs its
constructor on a surviving node (default placement; `node` asks for one
softly, never hard, for the reason `cluster.hosts` gives). Given a
`CoordinatorStore`, the constructor rebuilds what the loop knew from the
event store: every stored customer order, proof of delivery and
cancellation (the order book), the plans made so far (plan ids go on, the
next plan is diffed against the last) and the commands of the recent ones
(routes vehicles are out on). The trigger starts afresh, so the first step
after a restart replans (`Coordinator.restore`).

What the store cannot hold yet is the turn under way (research runs write
the store after a step; the live loop writes orders before it sends them,
but not the operators' replan requests as causes, nor the overrides in
force): a step carries its turn's whole `TurnInputs`, so a step that met a
dead actor is sent again as it was, after the overrides in force. Orders,
proofs and cancellations go through an `OrderIntake`, which passes each
once, so an order both stored and sent again counts once; that is also why
calls are not retried by Ray (`max_task_retries=0`): a step retried blind
would count its proofs twice, where the resend is deduplicated.

Not rebuilt: the counters of `stats` (they start at zero on the restarted
actor) and alerts observed before the last successful step that had not yet
caused a plan (the replan at restart covers them). A plan the dying actor
was making is lost with it (never stored, never sent); the restarted one
makes its own, numbered after the plans in the store.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import ray
from ray.exceptions import RayActorError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from adapters.store import LIVE_RUN, open_store
from cluster.live.reader import in_force
from replan import Dispatch, TurnInputs, TurnStats
from replan.intake import OrderIntake
from replan.overrides import AnyOverride, apply_overrides
from runtime.coordinator import Coordinator
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan

MAX_RESTARTS = 10
"""Ray brings a dead coordinator back this many times, rebuilt from the store if it has one."""

RESTART_WAIT_S = 120.0
"""How long a call waits for a restarting coordinator: Ray notices a dead node
only after its health checks fail (about 15 s by default), then restarts."""

_EVER = (datetime(1970, 1, 1).astimezone(), datetime(9999, 1, 1).astimezone())


@dataclass(frozen=True, slots=True)
class CoordinatorStore:
    """Where a coordinator's run is recorded: the store to rebuild it from after a restart.

    Attributes:
        url: the event store (`open_store` URL forms); every node must reach it.
        run_id: the run whose orders, plans and commands these are.
    """

    url: str
    run_id: str = LIVE_RUN


@ray.remote(max_restarts=MAX_RESTARTS, max_task_retries=0)
class _CoordinatorActor:
    def __init__(self, kwargs: dict[str, Any], store: CoordinatorStore | None) -> None:
        self._overrides: tuple[AnyOverride, ...] = ()
        self._given_shape = kwargs.get("shape_snapshot")
        self._loop = Coordinator(**{**kwargs, "shape_snapshot": self._shape})
        self._intake = OrderIntake(kwargs["network"])
        if store is not None:
            self._rebuild(store, kwargs["planning"].period_hours)

    def _rebuild(self, where: CoordinatorStore, hours: float) -> None:
        run = where.run_id
        with open_store(where.url) as store:
            plans = store.plans(run_id=run)
            self._intake.take(
                store.orders(*_EVER, run_id=run),
                store.deliveries(*_EVER, run_id=run),
                store.cancellations(*_EVER, run_id=run),
            )
            _, commands = in_force(store, hours, run)
        # Every plan, not only those in force: plan ids (`{policy}-{n}`) must not repeat.
        self._loop.restore(plans, commands, *self._intake.drain())

    def _shape(self, snapshot: NetworkSnapshot) -> NetworkSnapshot:
        shaped = snapshot if self._given_shape is None else self._given_shape(snapshot)
        return apply_overrides(shaped, self._overrides)

    def override(self, overrides: tuple[AnyOverride, ...]) -> None:
        self._overrides = overrides

    def step(self, inputs: TurnInputs) -> Dispatch | None:
        self._intake.take(inputs.orders, inputs.deliveries, inputs.cancellations)
        news = self._intake.drain()
        fresh = replace(
            inputs,
            orders=news.orders,
            deliveries=news.deliveries,
            cancellations=news.cancellations,
        )
        return self._loop.step(fresh)

    def snapshot(self, now: datetime) -> NetworkSnapshot:
        return self._loop.snapshot(now)

    def plans(self) -> list[Plan]:
        return self._loop.plans

    def stats(self) -> TurnStats:
        return self._loop.stats

    def node_id(self) -> str:
        return str(ray.get_runtime_context().get_node_id())


class RemoteCoordinator:
    """A `Coordinator` running in its own actor; same constructor keywords.

    Every call waits out a restart of the actor (up to `RESTART_WAIT_S`),
    giving it again the overrides in force before the call is sent again.

    Args:
        store: rebuild from this store whenever Ray restarts the actor; None
            restarts it empty.
        node: a Ray node id to prefer (soft affinity: elsewhere if it is gone).
        **kwargs: `Coordinator`'s keywords. A `shape_snapshot` runs in the
            actor, so it must not depend on the caller's state: overrides
            that change go through `override`.
    """

    def __init__(
        self, *, store: CoordinatorStore | None = None, node: str | None = None, **kwargs: Any
    ) -> None:
        options: dict[str, Any] = {}
        if node is not None:
            options["scheduling_strategy"] = NodeAffinitySchedulingStrategy(node, soft=True)
        self._actor = _CoordinatorActor.options(**options).remote(kwargs, store)  # type: ignore[attr-defined]
        self._sending: list[Any] = []
        self._overrides: tuple[AnyOverride, ...] = ()

    @property
    def handle(self) -> Any:
        """The actor handle, for tests that kill the coordinator on purpose."""
        return self._actor

    def override(self, overrides: Sequence[AnyOverride]) -> None:
        """The operators' overrides in force from now on (sent only when they change).

        The actor applies them to every snapshot it plans, after any
        `shape_snapshot`; a restarted actor is given them again.
        """
        fresh = tuple(overrides)
        if fresh != self._overrides:
            self._overrides = fresh
            self._sending.append(self._actor.override.remote(fresh))

    def step(self, inputs: TurnInputs) -> Dispatch | None:
        """The coordinator's turn, on the restarted actor if it had died.

        A step the dying actor was running is lost with its plan (the store
        never saw it); the restarted one takes the same inputs and replans.
        """
        result: Dispatch | None = self._call("step", inputs)
        return result

    def _call(self, method: str, *args: Any) -> Any:
        deadline = time.monotonic() + RESTART_WAIT_S
        while True:
            # Taken off first, so a call that raised (a RayTaskError) is not met again.
            sending, self._sending = self._sending, []
            try:
                ray.get(sending)
                return ray.get(getattr(self._actor, method).remote(*args))
            except RayActorError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
                self._resend()

    def _resend(self) -> None:
        """Give a restarted actor the overrides in force, which the store does not hold."""
        if self._overrides:
            self._sending.append(self._actor.override.remote(self._overrides))

    def snapshot(self, now: datetime) -> NetworkSnapshot:
        """What a replan now would see: the agents' offers and the order book's demand."""
        result: NetworkSnapshot = self._call("snapshot", now)
        return result

    def node_id(self) -> str:
        """The Ray node the coordinator runs on now."""
        result: str = self._call("node_id")
        return result

    @property
    def plans(self) -> list[Plan]:
        result: list[Plan] = self._call("plans")
        return result

    @property
    def stats(self) -> TurnStats:
        result: TurnStats = self._call("stats")
        return result

    def close(self) -> None:
        ray.kill(self._actor, no_restart=True)
