"""Payload builders shared by the MQTT tests: valid JSON as devices send it."""

from __future__ import annotations

import json
from typing import Any

TS = "2025-03-01T08:00:00+00:00"
TELEMETRY = "supplysync/plant-1/machine/m1/telemetry"
EVENTS = "supplysync/plant-1/machine/m1/events"
ACK = "supplysync/plant-1/machine/m1/ack"


def reading(seq: int, *, device: str = "d1", asset: str = "m1", **extra: Any) -> dict[str, Any]:
    """A temperature reading of `asset` as a dict (edit it to break it)."""
    return {
        "kind": "temperature",
        "device_id": device,
        "asset_id": asset,
        "seq": seq,
        "ts": TS,
        "celsius": 21.5,
        **extra,
    }


def scan(seq: int, *, device: str = "gate-1", asset: str = "m1") -> dict[str, Any]:
    """An RFID scan (a stock movement: state-changing, published on `events`)."""
    return {
        "kind": "rfid_scan",
        "device_id": device,
        "asset_id": asset,
        "seq": seq,
        "ts": TS,
        "lot_id": f"lot-{seq}",
        "product_id": "p1",
        "units": 5.0,
        "direction": "in",
        "site_id": "plant-1",
    }


def gateway(readings: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"v": 1, "gateway_id": "gw-1", "readings": readings, **extra}


def ack(command_id: str = "c1", status: str = "done", asset: str = "m1") -> dict[str, Any]:
    return {"v": 1, "command_id": command_id, "asset_id": asset, "ts": TS, "status": status}


def encode(obj: object) -> bytes:
    return json.dumps(obj).encode()


ORDERS = "supplysync/c1/customer/c1/orders"


def order(
    order_id: str, *, customer: str = "c1", quantity: float = 5, **extra: Any
) -> dict[str, Any]:
    """A customer order of product p1, as the ERP's order gateway sends it."""
    return {
        "order_id": order_id,
        "customer_id": customer,
        "product_id": "p1",
        "quantity": quantity,
        "due": TS,
        "created_at": TS,
        **extra,
    }


def proof(order_id: str, quantity: float, *, customer: str = "c1") -> dict[str, Any]:
    """A proof that `quantity` of the order was handed over and accepted."""
    return {
        "order_id": order_id,
        "customer_id": customer,
        "product_id": "p1",
        "quantity": quantity,
        "ts": TS,
        "vehicle_id": "v1",
    }


def cancellation(order_id: str, *, customer: str = "c1") -> dict[str, Any]:
    """The customer withdrew the order."""
    return {"order_id": order_id, "customer_id": customer, "ts": TS, "reason": "plant shutdown"}


def orders(
    placed: list[dict[str, Any]],
    delivered: list[dict[str, Any]] | None = None,
    cancelled: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An `OrderMessage`: one customer's new orders, proofs of delivery and cancellations."""
    return {
        "v": 1,
        "gateway_id": "erp-1",
        "orders": placed,
        "deliveries": delivered or [],
        "cancellations": cancelled or [],
    }
