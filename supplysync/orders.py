"""Customer orders: demand as the ERP reports it, not a sensor reading.

Everything here is bounded like a reading, because whatever the order
gateway sends is acknowledged, stored, read back at every start and planned:
a quantity is finite and at most `MAX_UNITS` (a quantity of 1e308 makes the
planner's numbers infinite); a time lies in the readings' `EARLIEST` ..
`LATEST` (the order book adds days to a due day, which overflows at year
9999, and the live loop reads orders back from 1970 on); an order id is
1 to `MAX_ORDER_ID` characters without control characters (it travels in
plans, commands and log lines, and the store joins ids with one).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from supplysync.network import Frozen, Id
from supplysync.readings import MAX_UNITS, SupportedTime

MAX_MESSAGE_ITEMS = 10_000
MAX_ORDER_ID = 200
"""Longest order id: an ERP's order number with its prefixes, never a document."""

OrderId = Annotated[
    str, Field(min_length=1, max_length=MAX_ORDER_ID, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Quantity = Annotated[float, Field(gt=0, le=MAX_UNITS)]


class CustomerOrder(Frozen):
    """`quantity` of a product due at a customer on the day starting at `due`."""

    order_id: OrderId
    customer_id: Id
    product_id: Id
    quantity: Quantity
    due: SupportedTime
    created_at: SupportedTime


class ProofOfDelivery(Frozen):
    """The customer's receipt of a drop against an order.

    `accepted` is false when the customer refused the goods (a cold-chain
    product that spoiled on the way); the order then stays open.
    """

    order_id: OrderId
    customer_id: Id
    product_id: Id
    quantity: Quantity
    ts: SupportedTime
    vehicle_id: Id
    accepted: bool = True
    on_time: bool = True


class OrderCancellation(Frozen):
    """The customer withdrew an order: what is still open of it is no longer wanted.

    What was already delivered stays delivered; goods already loaded for it
    ride on (the vehicle's route is a command in force) and the next plan
    stops sending more. A cancellation may reach the planner before the
    order it names (two messages of one customer on different batches): the
    order is then never opened.
    """

    order_id: OrderId
    customer_id: Id
    ts: SupportedTime
    reason: str = Field(default="", max_length=500)


class OrderMessage(Frozen):
    """One MQTT payload of the ERP's order gateway: a versioned batch for one customer.

    New orders, proofs of delivery and cancellations travel together because
    all change the same order book: the ERP hears of a drop from the
    drivers' apps and passes it on with the orders, so the planner stops
    counting what was delivered. Any list may be empty, not all.
    """

    v: Literal[1] = 1
    gateway_id: Id
    orders: Annotated[list[CustomerOrder], Field(max_length=MAX_MESSAGE_ITEMS)] = Field(
        default_factory=list
    )
    deliveries: Annotated[list[ProofOfDelivery], Field(max_length=MAX_MESSAGE_ITEMS)] = Field(
        default_factory=list
    )
    cancellations: Annotated[list[OrderCancellation], Field(max_length=MAX_MESSAGE_ITEMS)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _not_empty(self) -> OrderMessage:
        if not self.orders and not self.deliveries and not self.cancellations:
            raise ValueError("Expected at least one order, proof of delivery or cancellation.")
        return self
