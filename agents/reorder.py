"""The (s, nQ) reorder rule as a pure function.

A warehouse's inventory position for a product is what it holds plus what is
already on its way. When the position falls below the reorder point `s`, it
asks for the smallest whole number of order quantities `Q` that lifts the
position above `s`. The optimizer weighs these requests against stock
elsewhere, production and supplier quotes; the reorder-point baseline policy
simply follows them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from supplysync.offers import ReorderRequest


def order_multiples(position: float, reorder_point: float, order_quantity: float) -> int:
    """How many lots of `order_quantity` lift `position` strictly above `reorder_point`."""
    if position >= reorder_point:
        return 0
    return math.floor((reorder_point - position) / order_quantity) + 1


def reorder_requests(
    stock: Mapping[str, float],
    inbound: Mapping[str, float],
    reorder_point: Mapping[str, float],
    order_quantity: Mapping[str, float],
) -> list[ReorderRequest]:
    """Requests for every product whose position is below its reorder point, by product id.

    A product without an order quantity cannot be ordered by this rule and is
    skipped; missing stock or inbound counts as zero.
    """
    requests = []
    for product_id in sorted(reorder_point):
        quantity = order_quantity.get(product_id)
        if quantity is None or quantity <= 0:
            continue
        position = stock.get(product_id, 0.0) + inbound.get(product_id, 0.0)
        n = order_multiples(position, reorder_point[product_id], quantity)
        if n:
            requests.append(ReorderRequest(product_id=product_id, quantity=n * quantity))
    return requests
