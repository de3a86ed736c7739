"""What a device puts on the wire and how it reads a command: pure functions.

A device's readings go out as `GatewayMessage` batches (versioned JSON), one
per channel: state-changing readings (stock levels, RFID scans, production
output counts) on `events` at QoS 1, because the system acknowledges them
only once recorded; the high-rate rest on `telemetry` at the configured QoS.
Customer orders and proofs of delivery go out as the ERP's order gateway
sends them: one `OrderMessage` per customer on its `orders` topic, at QoS 1.
A command's fields this device does not know are dropped, not refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ValidationError

from adapters.mqtt.topics import Channel, orders_topic
from supplysync.commands import Command, CommandAck
from supplysync.network import Network
from supplysync.orders import MAX_MESSAGE_ITEMS, CustomerOrder, OrderMessage, ProofOfDelivery
from supplysync.readings import GatewayMessage, Reading

EVENT_KINDS = frozenset({"stock_level", "rfid_scan", "output"})
AckStatus = Literal["received", "done", "rejected"]


@dataclass(frozen=True)
class Upload:
    """One MQTT publish of an asset's device."""

    asset_id: str
    channel: Channel
    payload: bytes
    qos: int


@dataclass(frozen=True)
class Refusal:
    """A `cmd` payload the device cannot carry out; `command_id` if it could be read."""

    command_id: str | None
    reason: str


def channel_of(reading: Reading) -> Channel:
    return "events" if reading.kind in EVENT_KINDS else "telemetry"


def uploads(readings: Iterable[Reading], *, max_batch: int, telemetry_qos: int) -> list[Upload]:
    """The publishes for a frame of readings: per asset and channel, in order, batched."""
    groups: dict[tuple[str, Channel], list[Reading]] = {}
    for r in readings:
        groups.setdefault((r.asset_id, channel_of(r)), []).append(r)
    out = []
    for (asset, channel), batch in groups.items():
        qos = 1 if channel == "events" else telemetry_qos
        for i in range(0, len(batch), max_batch):
            message = GatewayMessage(gateway_id=asset, readings=batch[i : i + max_batch])
            out.append(Upload(asset, channel, message.model_dump_json().encode(), qos))
    return out


def order_uploads(
    network: Network,
    orders: Iterable[CustomerOrder],
    deliveries: Iterable[ProofOfDelivery],
    *,
    gateway_id: str,
) -> list[tuple[str, bytes]]:
    """The order gateway's publishes for a frame: `(topic, payload)` per customer, in order."""
    groups: dict[str, tuple[list[CustomerOrder], list[ProofOfDelivery]]] = {}
    for order in orders:
        groups.setdefault(order.customer_id, ([], []))[0].append(order)
    for pod in deliveries:
        groups.setdefault(pod.customer_id, ([], []))[1].append(pod)
    out = []
    step = MAX_MESSAGE_ITEMS
    for customer, (mine, drops) in groups.items():
        topic = str(orders_topic(network, customer))
        for i in range(0, max(len(mine), len(drops)), step):
            message = OrderMessage(
                gateway_id=gateway_id, orders=mine[i : i + step], deliveries=drops[i : i + step]
            )
            out.append((topic, message.model_dump_json().encode()))
    return out


def decode_command(payload: object, asset_id: str) -> Command | Refusal:
    """The command in a `cmd` payload addressed to `asset_id`, or why it is refused."""
    if not isinstance(payload, bytes | bytearray):
        return Refusal(None, "empty or non-binary payload")
    try:
        command = Command.model_validate_json(payload)
    except ValidationError as exc:
        known = _known_fields_only(payload, exc)
        if known is None:
            return Refusal(_command_id(payload), f"invalid command: {exc.errors()[0]['msg']}")
        command = known
    if command.asset_id != asset_id:
        return Refusal(command.command_id, f"command is for {command.asset_id!r}, not {asset_id!r}")
    return command


def ack(command_id: str, asset_id: str, ts: datetime, status: AckStatus, reason: str = "") -> bytes:
    """The JSON of a `CommandAck`."""
    return (
        CommandAck(
            command_id=command_id, asset_id=asset_id, ts=ts, status=status, reason=reason[:1000]
        )
        .model_dump_json()
        .encode()
    )


def _known_fields_only(payload: bytes | bytearray, exc: ValidationError) -> Command | None:
    """The command without the fields this device does not know, if those were all that failed.

    Devices are updated after `run`, so a newer planner may send a field
    (say, when a route leaves) an older device has never seen. Dropping it
    keeps the command this device can carry out; any other fault still
    refuses the whole command.
    """
    errors = exc.errors()
    if any(e["type"] != "extra_forbidden" for e in errors):
        return None
    data = json.loads(payload)
    for e in errors:
        *path, key = e["loc"]
        node = data
        for part in path:  # a part that is no key or index is a union's tag in pydantic's path
            indexes = isinstance(node, list) and isinstance(part, int)
            if indexes or (isinstance(node, dict) and part in node):
                node = node[part]
        del node[key]
    try:
        return Command.model_validate(data)
    except ValidationError:
        return None


def _command_id(payload: bytes | bytearray) -> str | None:
    """The `command_id` of a payload that is JSON but not a valid command, if usable."""
    try:
        value = json.loads(payload).get("command_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and 0 < len(value) <= 128 else None
