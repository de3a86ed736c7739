"""A small, realistic run in an event store: the network snapshot the planner saw, two
plans (the second caused by an alert, with its diff), alerts, readings that trace a lot
from a supplier's truck into a warehouse, orders, deliveries and a dead letter.

Everything is stamped around `NOW`, the tests' clock.
"""

from __future__ import annotations

from datetime import timedelta

from adapters.store import Record
from benchmarks.networks import START, Size, generate_network, snapshot_for
from optimizer.diff import diff_plans
from optimizer.milp import plan_milp
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert, AlertKind, Severity
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.readings import (
    LocationReading,
    Reading,
    RfidScan,
    RuntimeReading,
    ShockReading,
    StockLevelReading,
    TemperatureReading,
    VibrationReading,
)
from supplysync.scenario import PlanningSettings
from supplysync.snapshots import log_order

NOW = START + timedelta(hours=6)
SIZE = Size(suppliers=2, machines=3, products=3, warehouses=2, customers=6, vehicles=2)
SETTINGS = PlanningSettings(time_limit_s=5)
LOT = "PO-lot-1"


def network_snapshot() -> NetworkSnapshot:
    return snapshot_for(generate_network(SIZE, seed=1), 3)


def alert(alert_id: str, asset_id: str, minutes: int, kind: AlertKind = AlertKind.TREND) -> Alert:
    return Alert(
        alert_id=alert_id,
        asset_id=asset_id,
        asset_kind="machine" if asset_id.startswith("M") else "warehouse",
        kind=kind,
        severity=Severity.WARNING,
        ts=START + timedelta(minutes=minutes),
        message=f"{kind.value} on {asset_id}",
    )


def plans(snap: NetworkSnapshot) -> list[Plan]:
    """A first plan, then a replan an hour later caused by alert `a-1`, with its diff."""
    first = plan_milp(snap, SETTINGS, plan_id="live-0001")
    first = first.model_copy(update={"diff": diff_plans(None, first)})
    second = plan_milp(snap, SETTINGS, plan_id="live-0002", causes=["a-1"], previous=first)
    second = second.model_copy(
        update={"created_at": START + timedelta(hours=1), "diff": diff_plans(first, second)}
    )
    return [first, second]


def lot_readings(warehouse: str, supplier: str) -> list[Record]:
    """Lot `LOT` on the road with a supplier's tracker, then scanned into `warehouse`."""
    t = START + timedelta(hours=2)
    trk = f"{supplier}-trk"
    return [
        LocationReading(
            device_id=trk, asset_id=supplier, seq=0, ts=t, lat=48.1, lon=11.5, shipment_id=LOT
        ),
        TemperatureReading(
            device_id=trk, asset_id=supplier, seq=1, ts=t, celsius=4.5, shipment_id=LOT
        ),
        ShockReading(
            device_id=trk,
            asset_id=supplier,
            seq=2,
            ts=t + timedelta(minutes=30),
            g=3.5,
            shipment_id=LOT,
        ),
        RfidScan(
            device_id=f"{warehouse}-rfid",
            asset_id=warehouse,
            seq=0,
            ts=t + timedelta(hours=1),
            lot_id=LOT,
            product_id="P00",
            units=40,
            direction="in",
            site_id=warehouse,
        ),
        TemperatureReading(
            device_id=f"{warehouse}-env",
            asset_id=warehouse,
            seq=0,
            ts=t + timedelta(hours=2),
            celsius=6.25,
        ),
        StockLevelReading(
            device_id=f"{warehouse}-shelf",
            asset_id=warehouse,
            seq=0,
            ts=t + timedelta(hours=2),
            product_id="P00",
            units=321.0,
        ),
    ]


RUNNING_UP = (1.6, 1.9, 2.2, 2.5, 2.7, 2.9, 3.1, 3.3)
"""A machine's running vibration (mm/s) every 15 minutes for 2 h, ending above the warn level."""
AFTER_SERVICE = (1.5, 1.7, 1.4, 1.6, 1.8)
"""Its running vibration every 15 minutes after a restart: serviced, near the baseline."""


def machine_readings(machine: str) -> list[Reading]:
    """A machine wearing for 2 h from `START`, stopped an hour (vibrating badly), then serviced.

    In log order. The running samples are those of `RUNNING_UP` and
    `AFTER_SERVICE`; the one vibration while stopped is idle.
    """
    vib, plc = f"{machine}-vib", f"{machine}-plc"

    def runtime(seq: int, hours: float, running: bool) -> Reading:
        at = START + timedelta(hours=hours)
        return RuntimeReading(
            device_id=plc,
            asset_id=machine,
            seq=seq,
            ts=at,
            hours=100 + min(hours, 2),
            running=running,
        )

    def vibration(seq: int, minutes: int, mm_s: float) -> Reading:
        at = START + timedelta(minutes=minutes)
        return VibrationReading(device_id=vib, asset_id=machine, seq=seq, ts=at, mm_s_rms=mm_s)

    out = [runtime(0, 0, True), runtime(1, 1, True), runtime(2, 2, False), runtime(3, 3, True)]
    out += [vibration(i, 15 * i, v) for i, v in enumerate(RUNNING_UP)]
    out.append(vibration(len(RUNNING_UP), 135, 0.2))
    out += [
        vibration(len(RUNNING_UP) + 1 + i, 180 + 15 * i, v) for i, v in enumerate(AFTER_SERVICE)
    ]
    return sorted(out, key=log_order)


def _order(order_id: str, customer: str, product: str, quantity: float, *, minutes: int) -> Record:
    """An order due the next day, created `minutes` after the start."""
    return CustomerOrder(
        order_id=order_id,
        customer_id=customer,
        product_id=product,
        quantity=quantity,
        due=START + timedelta(days=1),
        created_at=START + timedelta(minutes=minutes),
    )


def _proof(
    order_id: str, customer: str, product: str, quantity: float, vehicle: str, *, hours: int
) -> Record:
    """An accepted, on-time drop `hours` after the start."""
    return ProofOfDelivery(
        order_id=order_id,
        customer_id=customer,
        product_id=product,
        quantity=quantity,
        ts=START + timedelta(hours=hours),
        vehicle_id=vehicle,
    )


def records() -> list[Record]:
    snap = network_snapshot()
    net = snap.network
    warehouse, supplier = net.warehouses[0].id, net.suppliers[0].id
    vehicle = net.vehicles[0].id
    depot = net.warehouse(net.vehicles[0].depot_id).location
    out: list[Record] = [
        snap,
        alert("a-1", "M00", 30, AlertKind.PREDICTED_FAILURE),
        alert("a-2", warehouse, 90, AlertKind.NEAR_CAPACITY),
        *plans(snap),
        *lot_readings(warehouse, supplier),
        LocationReading(
            device_id=f"{vehicle}-gps",
            asset_id=vehicle,
            seq=0,
            ts=NOW - timedelta(minutes=5),
            lat=round(depot.lat + 0.05, 4),
            lon=round(depot.lon + 0.05, 4),
            speed_kmh=40,
        ),
        _order("O-1", net.customers[0].id, "P00", 10, minutes=10),
        _order("O-2", net.customers[1].id, "P01", 30, minutes=20),
        _proof("O-1", net.customers[0].id, "P00", 10, vehicle, hours=4),
        # 20 ordered, 5 delivered, the rest withdrawn: 5 count as ordered, 15 as cancelled
        _order("O-3", net.customers[0].id, "P00", 20, minutes=30),
        _proof("O-3", net.customers[0].id, "P00", 5, vehicle, hours=5),
        OrderCancellation(
            order_id="O-3", customer_id=net.customers[0].id, ts=START + timedelta(hours=6)
        ),
        DeadLetter(
            letter_id="dl-1",
            source="mqtt",
            topic="supplysync/x/machine/M00/telemetry",
            raw=b"\xff not json",
            reason="not UTF-8 JSON",
            at=START + timedelta(hours=3),
        ),
    ]
    return out
