"""How one reading changes what a warehouse agent remembers, as a pure function.

Shelf readings are authoritative; RFID scans move stock between them. A scan
stamped before a product's last shelf reading is already counted in it and
is skipped, so the order in which a batch interleaves the two does not
double count. A scan stamped at the count's very instant is not in it: a
count is what was on the shelf at that instant, before what moves then
(vehicles load at the hour the shelves are counted, docs/sensors.md). Stock
never goes below zero whatever the scans say. A scan in of a pending
transfer's lot marks the transfer arrived.
"""

from __future__ import annotations

from agents.alerts import reading_key
from agents.warehouse_alerts import WarehouseAlarms
from agents.warehouse_memory import WarehouseMemory
from supplysync.events import Alert
from supplysync.readings import (
    HumidityReading,
    Reading,
    RfidScan,
    StockLevelReading,
    TemperatureReading,
)


def step(
    memory: WarehouseMemory, reading: Reading, alarms: WarehouseAlarms
) -> tuple[WarehouseMemory, list[Alert]]:
    """The memory after `reading` (admitted: new, of this warehouse) and the alerts it raises.

    `alarms` is all a step reads besides the memory: the warehouse and its limits.
    """
    if isinstance(reading, StockLevelReading):
        product = reading.product_id
        if product not in memory.stock:
            return memory, []
        counted = memory.model_copy(
            update={
                "stock": {**memory.stock, product: reading.units},
                "shelf_ts": {**memory.shelf_ts, product: reading.ts},
            }
        )
        return _stock_changed(counted, reading, product, alarms)
    if isinstance(reading, RfidScan):
        return _scan(memory, reading, alarms)
    if isinstance(reading, TemperatureReading):
        watch, alert = alarms.room(memory.watch, reading)
        return memory.model_copy(update={"room_c": reading.celsius, "watch": watch}), _one(alert)
    if isinstance(reading, HumidityReading):
        watch, alert = alarms.humidity(memory.watch, reading)
        update = {"humidity": reading.percent_rh, "watch": watch}
        return memory.model_copy(update=update), _one(alert)
    return memory, []


def _scan(
    m: WarehouseMemory, scan: RfidScan, alarms: WarehouseAlarms
) -> tuple[WarehouseMemory, list[Alert]]:
    if scan.site_id != alarms.spec.id:
        return m, []
    if scan.direction == "in" and scan.lot_id in m.pending:
        m = _arrived(m, scan.lot_id)
    product = scan.product_id
    if product not in m.stock:
        return m, []
    shelf_ts = m.shelf_ts.get(product)
    if shelf_ts is not None and scan.ts < shelf_ts:
        return m, []
    held = m.stock[product]
    units = held + scan.units if scan.direction == "in" else max(0.0, held - scan.units)
    moved = m.model_copy(update={"stock": {**m.stock, product: units}})
    return _stock_changed(moved, scan, product, alarms)


def _arrived(m: WarehouseMemory, transfer_id: str) -> WarehouseMemory:
    pending = dict(m.pending)
    transfer = pending.pop(transfer_id).transfer
    left = m.inbound.get(transfer.product_id, 0.0) - transfer.quantity
    inbound = {**m.inbound, transfer.product_id: max(0.0, left)}
    return m.model_copy(update={"pending": pending, "inbound": inbound})


def _stock_changed(
    m: WarehouseMemory, reading: Reading, product_id: str, alarms: WarehouseAlarms
) -> tuple[WarehouseMemory, list[Alert]]:
    """Re-check the reorder point and the space after a product's stock changed."""
    key = reading_key(reading.device_id, reading.seq)
    position = m.stock[product_id] + m.inbound.get(product_id, 0.0)
    watch, reorder = alarms.reorder(m.watch, product_id, position, reading.ts, key)
    watch, space = alarms.space(watch, sum(m.stock.values()), reading.ts, key)
    alerts = [a for a in (reorder, space) if a is not None]
    return m.model_copy(update={"watch": watch}), alerts


def _one(alert: Alert | None) -> list[Alert]:
    return [] if alert is None else [alert]
