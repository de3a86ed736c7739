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
from agents.warehouse_alerts import WarehouseAlarms, WarehouseLatches
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
        stock = {**memory.stock, product: reading.units}
        watch, alerts = _stock_changed(memory.watch, stock, memory.inbound, reading, alarms)
        shelf_ts = {**memory.shelf_ts, product: reading.ts}
        return memory.replace(stock=stock, shelf_ts=shelf_ts, watch=watch), alerts
    if isinstance(reading, RfidScan):
        return _scan(memory, reading, alarms)
    if isinstance(reading, TemperatureReading):
        watch, alert = alarms.room(memory.watch, reading)
        return memory.replace(room_c=reading.celsius, watch=watch), _one(alert)
    if isinstance(reading, HumidityReading):
        watch, alert = alarms.humidity(memory.watch, reading)
        return memory.replace(humidity=reading.percent_rh, watch=watch), _one(alert)
    return memory, []


def _scan(
    m: WarehouseMemory, scan: RfidScan, alarms: WarehouseAlarms
) -> tuple[WarehouseMemory, list[Alert]]:
    if scan.site_id != alarms.spec.id:
        return m, []
    update: dict[str, object] = {}
    inbound = m.inbound
    if scan.direction == "in" and scan.lot_id in m.pending:
        pending = dict(m.pending)
        transfer = pending.pop(scan.lot_id).transfer
        left = inbound.get(transfer.product_id, 0.0) - transfer.quantity
        inbound = {**inbound, transfer.product_id: max(0.0, left)}
        update = {"pending": pending, "inbound": inbound}
    product, shelf_ts = scan.product_id, m.shelf_ts.get(scan.product_id)
    if product not in m.stock or (shelf_ts is not None and scan.ts < shelf_ts):
        return (m.replace(**update) if update else m), []
    held = m.stock[product]
    units = held + scan.units if scan.direction == "in" else max(0.0, held - scan.units)
    stock = {**m.stock, product: units}
    watch, alerts = _stock_changed(m.watch, stock, inbound, scan, alarms)
    return m.replace(**update, stock=stock, watch=watch), alerts


def _stock_changed(
    watch: WarehouseLatches,
    stock: dict[str, float],
    inbound: dict[str, float],
    reading: StockLevelReading | RfidScan,
    alarms: WarehouseAlarms,
) -> tuple[WarehouseLatches, list[Alert]]:
    """The latches and alerts once the reading's product changed: its reorder point, the space."""
    key, product = reading_key(reading.device_id, reading.seq), reading.product_id
    position = stock[product] + inbound.get(product, 0.0)
    watch, reorder = alarms.reorder(watch, product, position, reading.ts, key)
    watch, space = alarms.space(watch, sum(stock.values()), reading.ts, key)
    if reorder is None:
        return watch, _one(space)
    return watch, [reorder] if space is None else [reorder, space]


def _one(alert: Alert | None) -> list[Alert]:
    return [] if alert is None else [alert]
