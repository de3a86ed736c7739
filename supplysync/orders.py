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
