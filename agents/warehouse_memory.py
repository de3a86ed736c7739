"""What a warehouse agent remembers: one frozen record, replaced at every step.

Its JSON dump is snapshot format 1 as the agent wrote it field by field
before the record existed, so stored snapshots of that format read as they are.
"""

from __future__ import annotations

from pydantic import Field

from agents.memory import Memory
from agents.persist import IsoTime
from agents.warehouse_alerts import WarehouseLatches
from supplysync.plan import Transfer


class PendingTransfer(Memory):
    """An accepted transfer to this warehouse that has not arrived yet."""

    transfer: Transfer
    departs: IsoTime
    arrives: IsoTime


class WarehouseMemory(Memory):
    """Stock, when shelves last counted it, room conditions, alarms and expected transfers.

    Attributes:
        stock: units on hand per product of the network; never negative.
        shelf_ts: per product, the time of its latest shelf count (scans
            stamped before it are already in the count).
        watch: the alarms' latches.
        room_c, humidity: the latest room readings.
        pending: accepted transfers to here not yet scanned in, by transfer id.
        inbound: units of those transfers per product.
    """

    stock: dict[str, float]
    shelf_ts: dict[str, IsoTime] = Field(default_factory=dict)
    watch: WarehouseLatches = WarehouseLatches()
    room_c: float | None = None
    humidity: float | None = None
    pending: dict[str, PendingTransfer] = Field(default_factory=dict)
    inbound: dict[str, float] = Field(default_factory=dict)
