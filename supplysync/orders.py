"""Customer orders: demand as the ERP reports it, not a sensor reading."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from supplysync.network import Frozen, Id


class CustomerOrder(Frozen):
    """`quantity` of a product due at a customer on the day starting at `due`."""

    order_id: str
    customer_id: Id
    product_id: Id
    quantity: float = Field(gt=0)
    due: AwareDatetime
    created_at: AwareDatetime


class ProofOfDelivery(Frozen):
    """The customer's receipt of a drop against an order.

    `accepted` is false when the customer refused the goods (a cold-chain
    product that spoiled on the way); the order then stays open.
    """

    order_id: str
    customer_id: Id
    product_id: Id
    quantity: float = Field(gt=0)
    ts: AwareDatetime
    vehicle_id: Id
    accepted: bool = True
    on_time: bool = True
