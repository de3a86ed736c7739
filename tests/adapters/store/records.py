"""A small, hand-made set of one record of each kind (and a few readings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supplysync.commands import Command, ProduceOrder
from supplysync.events import Alert, AlertKind, Severity
from supplysync.offers import ProductionRun
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan, PlanStatus
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading, StockLevelReading, TemperatureReading, VibrationReading

T0 = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
WINDOW = PlanningWindow(start=T0, period_hours=24, periods=3)
RUN = ProductionRun(machine_id="M1", product_id="P1", period=0, quantity=40, hours=3)


def readings() -> list[Reading]:
    return [
        VibrationReading(device_id="M1-vib", asset_id="M1", seq=0, ts=T0, mm_s_rms=2.25),
        VibrationReading(
            device_id="M1-vib", asset_id="M1", seq=1, ts=T0 + timedelta(minutes=15), mm_s_rms=0.1
        ),
        TemperatureReading(
            device_id="V1-reefer", asset_id="V1", seq=7, ts=T0, celsius=4.3, shipment_id="S-1"
        ),
        StockLevelReading(
            device_id="W1-shelf",
            asset_id="W1",
            seq=0,
            ts=T0 + timedelta(hours=1),
            product_id="P1",
            units=120.0,
        ),
    ]


def alert(alert_id: str, asset_id: str, minutes: int) -> Alert:
    return Alert(
        alert_id=alert_id,
        asset_id=asset_id,
        asset_kind="machine",
        kind=AlertKind.TREND,
        severity=Severity.WARNING,
        ts=T0 + timedelta(minutes=minutes),
        message="vibration rising",
        data={"slope": 0.125, "samples": 12, "ok": False},
    )


def alerts() -> list[Alert]:
    return [alert("a-1", "M1", 10), alert("a-2", "M1", 20), alert("a-3", "M2", 30)]


def plan(plan_id: str, causes: list[str], minutes: int = 45) -> Plan:
    return Plan(
        plan_id=plan_id,
        policy="milp",
        created_at=T0 + timedelta(minutes=minutes),
        window=WINDOW,
        status=PlanStatus.OPTIMAL,
        objective=1234.5,
        production=[
            ProductionRun(machine_id="M1", product_id="P1", period=0, quantity=40, hours=3)
        ],
        causes=causes,
    )


def command(plan_id: str) -> Command:
    return Command(
        command_id=f"{plan_id}/M1",
        plan_id=plan_id,
        asset_id="M1",
        asset_kind="machine",
        issued_at=T0 + timedelta(minutes=45),
        window=WINDOW,
        body=ProduceOrder(runs=[RUN]),
    )


def order() -> CustomerOrder:
    return CustomerOrder(
        order_id="O-1",
        customer_id="C1",
        product_id="P1",
        quantity=12,
        due=T0 + timedelta(days=2),
        created_at=T0 + timedelta(minutes=5),
    )


def cancellation(order_id: str = "O-2", minutes: int = 50) -> OrderCancellation:
    """The customer withdraws an order (the first word on it stands; a later one is a repeat)."""
    return OrderCancellation(
        order_id=order_id, customer_id="C1", ts=T0 + timedelta(minutes=minutes), reason="duplicate"
    )


def delivery() -> ProofOfDelivery:
    return ProofOfDelivery(
        order_id="O-1",
        customer_id="C1",
        product_id="P1",
        quantity=12,
        ts=T0 + timedelta(hours=30),
        vehicle_id="V1",
        on_time=False,
    )
