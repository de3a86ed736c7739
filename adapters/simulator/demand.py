"""Customer demand: daily orders, their fulfilment and their loss.

Every day at 00:00 each customer orders, per product, what it needs on the
day `order_lead_days` ahead; at the start it also orders for today and the
days in between, so day 0 has demand. Quantities are the daily rate times any
demand spike, times lognormal noise with mean 1 and coefficient of variation
`demand_cv`, rounded, and at least 1 when the rate is positive.

An order stays open until customers have accepted its quantity or until two
days after its due day, when what is left is lost.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from adapters.simulator.disruptions import Disruptions
from adapters.simulator.world import EPS, MIN_UNITS, World, day_start
from supplysync.network import Customer
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.scenario import Scenario

LOST_AFTER_H = 48.0


@dataclass
class _Open:
    order: CustomerOrder
    due_h: float
    remaining: float
    in_run: bool


class OrderLedger:
    """Open orders by customer and product, oldest due first, and demand totals.

    `ordered`, `accepted` and `on_time` count units of orders due within the
    run, by product, because shortage and lateness are priced per product.
    """

    def __init__(self, scenario: Scenario, world: World, disruptions: Disruptions) -> None:
        self._world = world
        self._disruptions = disruptions
        self._lead = scenario.simulation.order_lead_days
        cv = scenario.simulation.demand_cv
        self._sigma = math.sqrt(math.log1p(cv * cv))
        self._customers = {c.id: c for c in scenario.network.customers}
        self._open: dict[tuple[str, str], deque[_Open]] = {}
        self._by_due: deque[_Open] = deque()
        self.new_orders: list[CustomerOrder] = []
        self.ordered: defaultdict[str, float] = defaultdict(float)
        self.accepted: defaultdict[str, float] = defaultdict(float)
        self.on_time: defaultdict[str, float] = defaultdict(float)
        self.lost_units = 0.0

    @property
    def ordered_units(self) -> float:
        return sum(self.ordered.values())

    @property
    def accepted_units(self) -> float:
        return sum(self.accepted.values())

    def start_of_day(self, day: int) -> None:
        """Place the orders customers send at 00:00 of `day`."""
        first = day if day == 0 else day + self._lead
        for due_day in range(first, day + self._lead + 1):
            for customer in self._customers.values():
                for product_id, rate in customer.demand_per_day.items():
                    if rate > 0:
                        self._place(day, due_day, customer, product_id, rate)

    def expire(self, h: float) -> None:
        """Drop what is left of orders whose grace ran out by hour `h`."""
        while self._by_due and self._by_due[0].due_h + LOST_AFTER_H <= h + EPS:
            entry = self._by_due.popleft()
            if entry.remaining > EPS:
                self.lost_units += entry.remaining
                entry.remaining = 0.0
                self._open[entry.order.customer_id, entry.order.product_id].remove(entry)

    def not_yet_due(self, h: float) -> dict[str, float]:
        """Units of the run's open orders due on the day of hour `h` or later, by product.

        The run's shortage counts them until they are delivered; a cost
        taken mid-run leaves them out (`Simulator.not_yet_due`): they may
        still arrive on time.
        """
        out: defaultdict[str, float] = defaultdict(float)
        today = day_start(h)
        for entry in self._by_due:
            if entry.in_run and entry.due_h >= today - EPS and entry.remaining > EPS:
                out[entry.order.product_id] += entry.remaining
        return dict(out)

    def open_units(self, customer_id: str, product_id: str) -> float:
        return sum(e.remaining for e in self._open.get((customer_id, product_id), ()))

    def hand_over(
        self,
        h: float,
        customer_id: str,
        product_id: str,
        units: float,
        *,
        vehicle_id: str,
        accept: bool,
    ) -> tuple[float, list[ProofOfDelivery]]:
        """Offer `units` against the customer's open orders, oldest due first.

        Returns the units handed over (no more than the open quantity) and one
        proof of delivery per order touched. Refused goods (`accept=False`)
        leave the orders open.
        """
        queue = self._open.get((customer_id, product_id))
        if not queue:
            return 0.0, []
        customer = self._customers[customer_id]
        today = day_start(h)
        in_window = (
            today + customer.window_open_h - EPS <= h <= today + customer.window_close_h + EPS
        )
        left = units
        proofs: list[ProofOfDelivery] = []
        for entry in list(queue):
            if left <= MIN_UNITS:
                break
            qty = min(left, entry.remaining)
            if qty <= MIN_UNITS:
                continue
            left -= qty
            on_time = in_window and abs(entry.due_h - today) < EPS
            proofs.append(
                ProofOfDelivery(
                    order_id=entry.order.order_id,
                    customer_id=customer_id,
                    product_id=product_id,
                    quantity=round(qty, 6),
                    ts=self._world.emit.ts(h),
                    vehicle_id=vehicle_id,
                    accepted=accept,
                    on_time=on_time,
                )
            )
            if not accept:
                continue
            entry.remaining -= qty
            if entry.in_run:
                self.accepted[product_id] += qty
                self.on_time[product_id] += qty if on_time else 0.0
            if entry.remaining <= EPS:
                entry.remaining = 0.0
                queue.remove(entry)
        return units - left, proofs

    def state(self) -> dict[str, Any]:
        return {
            "open_orders": sum(len(q) for q in self._open.values()),
            "open_units": round(sum(e.remaining for q in self._open.values() for e in q), 4),
            "ordered_units": self.ordered_units,
            "accepted_units": round(self.accepted_units, 4),
            "lost_units": round(self.lost_units, 4),
        }

    def _place(
        self, day: int, due_day: int, customer: Customer, product_id: str, rate: float
    ) -> None:
        factor = self._disruptions.demand_factor(customer.region, product_id, due_day)
        noise = 1.0
        if self._sigma > 0:
            noise = math.exp(
                self._sigma * self._world.demand_rng.standard_normal() - self._sigma**2 / 2
            )
        quantity = max(1, round(rate * factor * noise))
        due_h = 24.0 * due_day
        order = CustomerOrder(
            order_id=f"ord-{customer.id}-{product_id}-d{due_day}",
            customer_id=customer.id,
            product_id=product_id,
            quantity=quantity,
            due=self._world.emit.ts(due_h),
            created_at=self._world.emit.ts(24.0 * day),
        )
        entry = _Open(order, due_h, float(quantity), in_run=due_h < self._world.end_h - EPS)
        self._open.setdefault((customer.id, product_id), deque()).append(entry)
        self._by_due.append(entry)
        self.new_orders.append(order)
        if entry.in_run:
            self.ordered[product_id] += quantity
