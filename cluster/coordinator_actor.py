"""The coordinator as a Ray actor.

The replanning loop is one actor, as the design draws it: agents and ingest
never block on it, and it reaches the agents through the same `Directory`
the driver uses (actor handles travel with it). `RemoteCoordinator` gives the
driver the plain `Coordinator` interface, so the research runner does not
care where the loop runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import ray

from cluster.coordinator import Coordinator, CoordinatorStats, Dispatch
from supplysync.events import Alert
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan


@ray.remote(max_restarts=0)
class _CoordinatorActor:
    def __init__(self, kwargs: dict[str, Any]) -> None:
        self._loop = Coordinator(**kwargs)

    def observe(
        self,
        alerts: Sequence[Alert],
        orders: Sequence[CustomerOrder],
        deliveries: Sequence[ProofOfDelivery],
        now: datetime,
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        self._loop.observe(alerts, orders, deliveries, now, cancellations)

    def step(self, now: datetime) -> Dispatch | None:
        return self._loop.step(now)

    def plans(self) -> list[Plan]:
        return self._loop.plans

    def stats(self) -> CoordinatorStats:
        return self._loop.stats


class RemoteCoordinator:
    """A `Coordinator` running in its own actor; same constructor keywords."""

    def __init__(self, **kwargs: Any) -> None:
        self._actor = _CoordinatorActor.remote(kwargs)  # type: ignore[attr-defined]

    def observe(
        self,
        alerts: Sequence[Alert],
        orders: Sequence[CustomerOrder],
        deliveries: Sequence[ProofOfDelivery],
        now: datetime,
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        """Fire and forget: ordering is kept because actor calls run in order."""
        if alerts or orders or deliveries or cancellations:
            self._actor.observe.remote(
                list(alerts), list(orders), list(deliveries), now, list(cancellations)
            )

    def step(self, now: datetime) -> Dispatch | None:
        result: Dispatch | None = ray.get(self._actor.step.remote(now))
        return result

    @property
    def plans(self) -> list[Plan]:
        result: list[Plan] = ray.get(self._actor.plans.remote())
        return result

    @property
    def stats(self) -> CoordinatorStats:
        result: CoordinatorStats = ray.get(self._actor.stats.remote())
        return result

    def close(self) -> None:
        ray.kill(self._actor, no_restart=True)
