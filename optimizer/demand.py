"""The order book: open customer orders turned into the planner's demand lines.

Customers' orders arrive from the ERP (the simulator in research mode) a few
days before they are due; proofs of delivery close them. For each planning
window the book gives firm lines for the orders it knows, overdue orders in
period 0, and the forecast (each customer's daily rate, times the level its
region has lately ordered at) for periods no order covers yet. Orders
already riding on a vehicle are left out, so a mid-day replan does not plan
them twice. A cancellation closes what is left of an order, even one that
has not arrived yet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from supplysync.network import Network
from supplysync.offers import MAX_DEMAND_CV, MAX_DEMAND_LEVEL, DemandLevels, DemandLine
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.planning import PlanningWindow

_EPS = 1e-6
LEVEL_DAYS = 28
"""Due days a demand level remembers: older ones weigh nothing at any useful smoothing."""


@dataclass
class _Open:
    order: CustomerOrder
    remaining: float


class OrderBook:
    """Open orders and what is left of each.

    Args:
        network: supplies each customer's forecast rate.
        grace_days: an order unfilled this many days after its due day starts is
            lost (the simulator drops it at that instant too), so the book forgets
            it then: the replan at that midnight must not plan for it.
    """

    def __init__(
        self,
        network: Network,
        *,
        grace_days: int = 2,
        prior_cv: float = 0.3,
        prior_weight: float = 20.0,
        level_smoothing: float = 1.0,
    ) -> None:
        self._network = network
        self._grace = timedelta(days=grace_days)
        self._open: dict[str, _Open] = {}
        self._cancelled: set[str] = set()
        self._horizon: datetime | None = None
        self._rates = {
            (c.id, p): rate for c in network.customers for p, rate in c.demand_per_day.items()
        }
        self._region = {c.id: c.region for c in network.customers}
        self._prior = (prior_weight, prior_weight * prior_cv**2)
        self._errors = (0.0, 0.0)
        if not 0.0 < level_smoothing <= 1.0:
            raise ValueError(f"Expected 0 < level_smoothing <= 1, got {level_smoothing}.")
        self._alpha = level_smoothing
        self._days: defaultdict[tuple[str, str], dict[date, list[float]]] = defaultdict(dict)

    def add(self, orders: Iterable[CustomerOrder]) -> None:
        """Record new orders; an order id seen before, or cancelled, is ignored (idempotent)."""
        for order in orders:
            if order.order_id not in self._open and order.order_id not in self._cancelled:
                self._open[order.order_id] = _Open(order, order.quantity)
                self._observe(order)
            due_end = order.due + timedelta(days=1)
            if self._horizon is None or due_end > self._horizon:
                self._horizon = due_end

    def deliver(self, proofs: Iterable[ProofOfDelivery]) -> None:
        """Reduce orders by what customers accepted; refused goods leave them open."""
        for pod in proofs:
            entry = self._open.get(pod.order_id)
            if entry is None or not pod.accepted:
                continue
            entry.remaining -= pod.quantity
            if entry.remaining <= _EPS:
                del self._open[pod.order_id]

    def cancel(self, cancellations: Iterable[OrderCancellation]) -> None:
        """Close the orders their customers withdrew, and any named before it arrives."""
        for cancellation in cancellations:
            self._cancelled.add(cancellation.order_id)
            self._open.pop(cancellation.order_id, None)

    def expire(self, now: datetime) -> None:
        """Forget orders whose grace period has run out by `now`."""
        for order_id in [k for k, e in self._open.items() if e.order.due + self._grace <= now]:
            del self._open[order_id]

    def demand_cv(self) -> float:
        """How far orders stray from the customers' daily rates: their coefficient of variation.

        Pooled over every order seen, each as its relative error against the
        forecast in force for its day (its customer's rate times the level
        its region showed on earlier due days), and shrunk toward `prior_cv`
        as if `prior_weight` orders had shown it, so the first days plan with
        the prior and a network whose demand swings (noise, spikes) learns to
        keep bigger buffers. A spike is a surprise on its first day and on
        the day it ends; on the days between, the level already follows it,
        and counting them too (against the bare rate) would raise the buffers
        for the rest of the run in step with the spike's length: on holdout
        `metro-11` counting them would take the swing from 0.20 to 0.64 after a
        two-day spike (the scenario draws its noise at 0.15) and keep it near
        0.5 to the end.

        At most `MAX_DEMAND_CV`, which is all a snapshot takes: with the
        default prior, a single order 24 times its customer's daily rate (a
        month's goods at once) passes it.
        """
        n = self._prior[0] + self._errors[0]
        return min(MAX_DEMAND_CV, math.sqrt((self._prior[1] + self._errors[1]) / n))

    def demand_levels(self) -> DemandLevels:
        """How much each region has lately ordered of each product, against its customers' rates.

        Customers of a region swing together (a spike hits the region), so
        one day's orders of a region, pooled, say more than one customer's:
        the level is that day's ordered units over the same customers' rates,
        smoothed exponentially over the due days seen (`level_smoothing` is
        the weight of the newest). The default, 1, takes the latest day as
        it is: pooling already damps one customer's noise, and a spike's
        start and end are what the plan must follow (a lingering level buys
        for a spike that is over), the daily replan bringing the next day's
        orders. A spike known from one day of orders then carries into the
        days no order covers yet and into the tail, and ends when the orders
        do. Only the pairs some order has touched appear; the rest stand at 1.
        """
        out: DemandLevels = {}
        for (region, product_id), days in sorted(self._days.items()):
            out.setdefault(region, {})[product_id] = self._level(days)
        return out

    def _level(self, days: dict[date, list[float]], before: date | None = None) -> float:
        """The level of one region and product from its due days (those before `before`)."""
        level = 1.0
        for day, (ordered, nominal) in sorted(days.items()):
            if before is not None and day >= before:
                break
            level += self._alpha * (ordered / nominal - level)
        return min(MAX_DEMAND_LEVEL, level)

    def _observe(self, order: CustomerOrder) -> None:
        rate = self._rates.get((order.customer_id, order.product_id), 0.0)
        if rate <= 0:
            return
        days = self._days[self._region[order.customer_id], order.product_id]
        # A region that nearly stopped ordering forecasts nearly nothing, against which
        # any order is an unbounded error (or a division by zero): measure against at
        # least a MAX_DEMAND_LEVEL-th of the rate, the floor mirroring the level's cap.
        level = max(self._level(days, before=order.due.date()), 1.0 / MAX_DEMAND_LEVEL)
        error = order.quantity / (rate * level) - 1.0
        self._errors = (self._errors[0] + 1.0, self._errors[1] + error * error)
        totals = days.setdefault(order.due.date(), [0.0, 0.0])
        totals[0] += order.quantity
        totals[1] += rate
        if len(days) > LEVEL_DAYS:
            del days[min(days)]

    def open_orders(self) -> list[CustomerOrder]:
        return [e.order for e in self._open.values()]

    def remaining(self, order_id: str) -> float:
        entry = self._open.get(order_id)
        return entry.remaining if entry else 0.0

    def demand(
        self, window: PlanningWindow, *, exclude: Iterable[str] = (), forecast: bool = True
    ) -> list[DemandLine]:
        """Demand lines for `window`.

        Args:
            window: the planning window.
            exclude: order ids already on a vehicle.
            forecast: add each customer's daily rate for periods past the last
                day any order covers.
        """
        skip = set(exclude)
        lines: list[DemandLine] = []
        covered: set[tuple[str, str, int]] = set()
        for entry in self._open.values():
            order = entry.order
            due = window.period_of(order.due)
            period = max(0, due)
            if period >= window.periods:
                continue
            covered.add((order.customer_id, order.product_id, period))
            if order.order_id in skip or entry.remaining <= _EPS:
                continue
            lines.append(
                DemandLine(
                    customer_id=order.customer_id,
                    product_id=order.product_id,
                    period=period,
                    quantity=round(entry.remaining, 6),
                    order_id=order.order_id,
                    overdue=max(0, -due),
                )
            )
        if forecast:
            lines.extend(self._forecast(window, covered))
        return lines

    def _forecast(
        self, window: PlanningWindow, covered: set[tuple[str, str, int]]
    ) -> list[DemandLine]:
        first = 0 if self._horizon is None else max(0, window.period_of(self._horizon))
        scale = window.period_hours / 24.0
        levels = self.demand_levels()
        lines = []
        for period in range(first, window.periods):
            for customer in self._network.customers:
                level = levels.get(customer.region, {})
                for product_id, rate in customer.demand_per_day.items():
                    key = (customer.id, product_id, period)
                    if rate > 0 and key not in covered:
                        lines.append(
                            DemandLine(
                                customer_id=customer.id,
                                product_id=product_id,
                                period=period,
                                quantity=rate * scale * level.get(product_id, 1.0),
                            )
                        )
        return lines
