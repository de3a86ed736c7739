"""How one tracker fix changes what a supplier agent remembers, as a pure function.

A fix of a tracked shipment standing still within reach of its destination
lands it: a late landing teaches its delay, an on-time one that left after
it shows the cause is over, one that left before it tells nothing. Any other
fix goes into the shipment's hold bookkeeping, and a hold long enough makes
the shipment late (one LATE_SHIPMENT).
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.alerts import AlertMaker, reading_key
from agents.geo import Point, km_between
from agents.settings import AgentSettings
from agents.shipments import Shipment
from agents.supplier_memory import SupplierMemory
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import LocationReading, Reading


@dataclass(frozen=True, slots=True)
class SupplierSetup:
    """What a step reads and never changes: the tunables and who alerts."""

    settings: AgentSettings
    alert: AlertMaker


def step(
    memory: SupplierMemory, reading: Reading, setup: SupplierSetup
) -> tuple[SupplierMemory, list[Alert]]:
    """The memory after `reading` (admitted: new, of this supplier) and the alerts it raises.

    A landing shows as one more `delivered`; the agent then stops watching
    the shipment's tracker.
    """
    if not isinstance(reading, LocationReading) or reading.shipment_id is None:
        return memory, []
    shipment = memory.shipments.get(reading.shipment_id)
    if shipment is None:
        return memory, []
    s = setup.settings
    pos: Point = (reading.lat, reading.lon)
    if reading.speed_kmh <= 0 and km_between(pos, shipment.destination) <= s.delivery_reach_km:
        return _land(memory, shipment, reading), []
    shipment = shipment.fix(reading.ts, pos, reading.speed_kmh)
    alerts: list[Alert] = []
    if not shipment.late and shipment.held_now_h() >= s.stationary_hours:
        shipment = shipment.replace(late=True)
        alerts.append(_late_alert(shipment, reading, setup))
    shipments = {**memory.shipments, reading.shipment_id: shipment}
    return memory.replace(shipments=shipments), alerts


def _land(m: SupplierMemory, shipment: Shipment, reading: LocationReading) -> SupplierMemory:
    delay_h, departs = m.delivered_delay_h, m.delivered_departs
    if shipment.late:
        hours_late = (reading.ts - shipment.promised).total_seconds() / 3600.0
        delay_h, departs = max(0.0, hours_late), shipment.departs
    elif departs is None or shipment.departs >= departs:
        delay_h, departs = 0.0, None
    po_id = shipment.order.po_id
    return m.replace(
        shipments={k: sh for k, sh in m.shipments.items() if k != po_id},
        delivered_delay_h=delay_h,
        delivered_departs=departs,
        delivered=m.delivered + 1,
    )


def _late_alert(shipment: Shipment, r: LocationReading, setup: SupplierSetup) -> Alert:
    po, s, make = shipment.order, setup.settings, setup.alert
    eta = shipment.eta(s.late_eta_buffer_hours, s.hold_ratio)
    held = shipment.held_now_h()
    return make(
        AlertKind.LATE_SHIPMENT,
        Severity.WARNING,
        r.ts,
        f"{po.po_id}:{reading_key(r.device_id, r.seq)}",
        f"{make.asset_id} shipment {po.po_id} ({po.quantity:.0f} {po.product_id} to "
        f"{po.destination_id}) stationary for {held:.1f} h; promised "
        f"{shipment.promised:%Y-%m-%d %H:%M}, now expected {eta:%Y-%m-%d %H:%M}",
        data={
            "po_id": po.po_id,
            "hours_stationary": held,
            "promised_arrival": shipment.promised.isoformat(),
            "estimated_arrival": eta.isoformat(),
            "product_id": po.product_id,
            "quantity": po.quantity,
        },
    )
