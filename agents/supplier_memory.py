"""What a supplier agent remembers: one frozen record, replaced at every step.

Its JSON dump is snapshot format 1 as the agent wrote it field by field
before the record existed (fields that format added later default when an
older snapshot lacks them), so stored snapshots read as they are.
"""

from __future__ import annotations

from pydantic import Field

from agents.memory import Memory
from agents.persist import IsoTime
from agents.shipments import Shipment


class SupplierMemory(Memory):
    """The shipments on their way and what the landed ones taught.

    Attributes:
        shipments: accepted purchase orders not landed yet, by po id.
        delivered_delay_h: the delay the last landing taught (0 once an
            on-time shipment that left after the late one landed).
        delivered_departs: when the late shipment that taught it left.
        delivered: shipments landed so far.
    """

    shipments: dict[str, Shipment] = Field(default_factory=dict)
    delivered_delay_h: float = 0.0
    delivered_departs: IsoTime | None = None
    delivered: int = 0
