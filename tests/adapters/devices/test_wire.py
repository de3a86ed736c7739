from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.devices.wire import Refusal, ack, decode_command, order_uploads, uploads
from supplysync.commands import CommandAck
from supplysync.orders import CustomerOrder, OrderMessage, ProofOfDelivery
from supplysync.readings import GatewayMessage, Reading, StockLevelReading, TemperatureReading
from supplysync.scenario import Scenario

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def _temp(asset: str, seq: int) -> TemperatureReading:
    return TemperatureReading(device_id=f"{asset}-t", asset_id=asset, seq=seq, ts=T0, celsius=5)


def _stock(asset: str, seq: int) -> StockLevelReading:
    return StockLevelReading(
        device_id=f"{asset}-s", asset_id=asset, seq=seq, ts=T0, product_id="P", units=3
    )


def test_uploads_split_by_asset_and_channel_in_order_and_batched() -> None:
    readings: list[Reading] = [
        _temp("A", 0),
        _stock("A", 0),
        _temp("B", 0),
        _temp("A", 1),
        _temp("A", 2),
    ]
    out = uploads(readings, max_batch=2, telemetry_qos=0)
    summary = [
        (
            u.asset_id,
            u.channel,
            u.qos,
            [r.seq for r in GatewayMessage.model_validate_json(u.payload).readings],
        )
        for u in out
    ]
    assert summary == [
        ("A", "telemetry", 0, [0, 1]),
        ("A", "telemetry", 0, [2]),
        ("A", "events", 1, [0]),
        ("B", "telemetry", 0, [0]),
    ]
    assert json.loads(out[0].payload)["v"] == 1
    assert json.loads(out[0].payload)["gateway_id"] == "A"


def test_events_stay_qos_1_whatever_the_telemetry_qos() -> None:
    out = uploads([_temp("A", 0), _stock("A", 0)], max_batch=10, telemetry_qos=1)
    assert [(u.channel, u.qos) for u in out] == [("telemetry", 1), ("events", 1)]


def _command_json(**changes: object) -> bytes:
    command: dict[str, object] = {
        "command_id": "c-1",
        "plan_id": "p-1",
        "asset_id": "M-1",
        "asset_kind": "machine",
        "issued_at": "2026-03-02T00:00:00Z",
        "window": {"start": "2026-03-02T00:00:00Z"},
        "body": {"kind": "produce"},
    }
    command.update(changes)
    return json.dumps(command).encode()


def test_a_valid_command_for_this_device_decodes() -> None:
    command = decode_command(_command_json(), "M-1")
    assert not isinstance(command, Refusal)
    assert (command.command_id, command.body.kind) == ("c-1", "produce")


@pytest.mark.parametrize(
    ("payload", "command_id", "reason"),
    [
        (_command_json(asset_id="M-2"), "c-1", "command is for 'M-2', not 'M-1'"),  # misrouted
        (_command_json(body={"kind": "teleport"}), "c-1", "invalid command"),  # unknown body
        (_command_json(issued_at="yesterday"), "c-1", "invalid command"),  # bad field
        (b'{"command_id": 7}', None, "invalid command"),  # id unusable for an ack
        (b"not json", None, "invalid command"),  # not JSON at all
        (None, None, "empty or non-binary payload"),  # empty MQTT payload
    ],
)
def test_bad_commands_are_refused_with_a_reason(
    payload: bytes | None, command_id: str | None, reason: str
) -> None:
    refusal = decode_command(payload, "M-1")
    assert isinstance(refusal, Refusal)
    assert refusal.command_id == command_id
    assert refusal.reason.startswith(reason)


ROUTE = {"vehicle_id": "M-1", "period": 0, "depot_id": "W-1", "stops": [], "method": "m"}


def test_fields_a_newer_planner_added_are_dropped_not_refused() -> None:
    """Devices are updated after `run`: a field they do not know must not cost a route.

    A fleet started before routes carried `departs_h` rejected every route
    of a newer `run` with "Extra inputs are not permitted".
    """
    newer = _command_json(
        asset_kind="vehicle",
        body={"kind": "route", "routes": [{**ROUTE, "leaves_at_dawn": True}]},
        priority="high",
    )
    command = decode_command(newer, "M-1")
    assert not isinstance(command, Refusal)
    older = decode_command(
        _command_json(asset_kind="vehicle", body={"kind": "route", "routes": [ROUTE]}), "M-1"
    )
    assert command == older


def test_an_unknown_field_beside_a_bad_one_is_still_refused() -> None:
    payload = _command_json(
        body={"kind": "route", "routes": [{**ROUTE, "period": -1, "leaves_at_dawn": True}]}
    )
    refusal = decode_command(payload, "M-1")
    assert isinstance(refusal, Refusal)
    assert refusal.reason.startswith("invalid command")


def test_ack_is_a_command_ack() -> None:
    parsed = CommandAck.model_validate_json(ack("c-1", "M-1", T0, "rejected", "x" * 2000))
    assert (parsed.command_id, parsed.status, len(parsed.reason)) == ("c-1", "rejected", 1000)


def test_order_uploads_one_message_per_customer_on_its_orders_topic(
    demo_scenario: Scenario,
) -> None:
    demo_network = demo_scenario.network

    def order(order_id: str, customer: str) -> CustomerOrder:
        return CustomerOrder(
            order_id=order_id,
            customer_id=customer,
            product_id="PUMP",
            quantity=4,
            due=T0,
            created_at=T0,
        )

    drop = ProofOfDelivery(
        order_id="o0",
        customer_id="C-DORTMUND",
        product_id="VALVE",
        quantity=2,
        ts=T0,
        vehicle_id="V-DUI-1",
    )
    placed = [order("o1", "C-ESSEN"), order("o2", "C-DORTMUND"), order("o3", "C-ESSEN")]
    out = order_uploads(demo_network, placed, [drop], gateway_id="erp")
    messages = [(topic, OrderMessage.model_validate_json(payload)) for topic, payload in out]
    assert [
        (topic, [o.order_id for o in m.orders], [d.order_id for d in m.deliveries])
        for topic, m in messages
    ] == [
        ("supplysync/C-ESSEN/customer/C-ESSEN/orders", ["o1", "o3"], []),
        ("supplysync/C-DORTMUND/customer/C-DORTMUND/orders", ["o2"], ["o0"]),
    ]
    assert {m.gateway_id for _, m in messages} == {"erp"}
    assert order_uploads(demo_network, [], [], gateway_id="erp") == []
