"""Customer orders, proofs of delivery and cancellations on their way from the store to the planner.

The coordinator's order book (`optimizer.demand.OrderBook`) lives in memory,
so the live loop feeds it from two places: what each ingest batch recorded,
handed on by the sink, and, at start-up, every order and proof already in
the store, so that a restart forgets no open order. Both paths repeat
themselves (a message redelivered after a reconnect; an order read back at
start while its message is still in flight), and the book cannot tell a
repeat of an order it has closed from a new one (it forgets closed orders
and would open it again), so this intake passes each order id, each proof
of delivery and each order's cancellation on once.

An order for a customer or a product the network does not know is held
back with a warning: the planner has nowhere to serve it, and it is in the
store for an operator to see.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from supplysync.network import Network
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery

log = logging.getLogger(__name__)

_ProofKey = tuple[str, str, str]


def _proof_key(pod: ProofOfDelivery) -> _ProofKey:
    """The store's idempotency key of a proof of delivery: one drop of one order."""
    return (pod.order_id, pod.vehicle_id, pod.ts.isoformat())


class OrderNews(NamedTuple):
    """What the order book learns in one turn, oldest first within each list."""

    orders: list[CustomerOrder]
    deliveries: list[ProofOfDelivery]
    cancellations: list[OrderCancellation]


class OrderIntake:
    """New orders, proofs and cancellations, each once, queued for the coordinator's next turn.

    Args:
        network: the customers and products an order may name.
    """

    def __init__(self, network: Network) -> None:
        self._customers = {c.id for c in network.customers}
        self._products = {p.id for p in network.products}
        self._seen_orders: set[str] = set()
        self._seen_proofs: set[_ProofKey] = set()
        self._seen_cancellations: set[str] = set()
        self._news = OrderNews([], [], [])
        self.refused = 0

    def take(
        self,
        orders: Iterable[CustomerOrder],
        deliveries: Iterable[ProofOfDelivery],
        cancellations: Iterable[OrderCancellation] = (),
    ) -> tuple[int, int, int]:
        """Queue what was not seen before; return how many orders, proofs and cancellations."""
        fresh_orders = 0
        for order in orders:
            if order.order_id in self._seen_orders:
                continue
            self._seen_orders.add(order.order_id)
            problem = self._unknown(order)
            if problem:
                log.warning("order %s not planned: %s", order.order_id, problem)
                self.refused += 1
                continue
            self._news.orders.append(order)
            fresh_orders += 1
        fresh_proofs = 0
        for pod in deliveries:
            key = _proof_key(pod)
            if key not in self._seen_proofs:
                self._seen_proofs.add(key)
                self._news.deliveries.append(pod)
                fresh_proofs += 1
        fresh_cancellations = 0
        for cancellation in cancellations:
            if cancellation.order_id not in self._seen_cancellations:
                self._seen_cancellations.add(cancellation.order_id)
                self._news.cancellations.append(cancellation)
                fresh_cancellations += 1
        return fresh_orders, fresh_proofs, fresh_cancellations

    def drain(self) -> OrderNews:
        """Everything queued since the last drain, oldest first, and an empty queue."""
        out, self._news = self._news, OrderNews([], [], [])
        return out

    def _unknown(self, order: CustomerOrder) -> str:
        if order.customer_id not in self._customers:
            return f"customer_id: {order.customer_id!r} is not a customer of the network"
        if order.product_id not in self._products:
            return f"product_id: {order.product_id!r} is not a product of the network"
        return ""
