"""Operator requests: each handled once, overrides folded in arrival order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cluster.live import Brokers, LiveSettings
from cluster.live.inbox import RequestInbox
from supplysync.control import MachineOut, OperatorRequest, PinSupplier

T0 = datetime(2026, 3, 2, tzinfo=UTC)


def req(request_id: str, action: str, override: object = None, minute: int = 0) -> OperatorRequest:
    return OperatorRequest.model_validate(
        {
            "request_id": request_id,
            "action": action,
            "override": override,
            "by": "ops",
            "at": T0 + timedelta(minutes=minute),
        }
    )


OUT = MachineOut(machine_id="M-DUI-1").model_dump()
PIN = PinSupplier(product_id="BOLT", supplier_id="S-1").model_dump()


def test_each_request_is_taken_once_and_overrides_follow_set_and_clear() -> None:
    inbox = RequestInbox()
    first = [req("a", "set", OUT), req("b", "replan", minute=1)]
    assert [r.request_id for r in inbox.take(first)] == ["a", "b"]
    assert inbox.overrides == (MachineOut(machine_id="M-DUI-1"),)
    # read again with overlap: only the new one comes out
    again = [*first, req("c", "set", PIN, 2), req("d", "clear", OUT, 3)]
    assert [r.request_id for r in inbox.take(again)] == ["c", "d"]
    after: tuple[object, ...] = inbox.overrides
    assert after == (PinSupplier(product_id="BOLT", supplier_id="S-1"),)
    assert inbox.take(again) == []


def test_a_replan_leaves_the_overrides_alone() -> None:
    inbox = RequestInbox()
    inbox.take([req("a", "set", OUT)])
    before = inbox.overrides
    inbox.take([req("b", "replan")])
    assert inbox.overrides is before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("turn_s", 0),  # a loop that never waits would spin a core
        ("turn_s", 61),  # a due replan would start a minute late
        ("agent_tick_s", -1),
        ("ack_timeout_s", 0),
        ("request_lookback_s", -1),  # would skip requests stamped just before a read
        ("status_every_s", 0),  # a status row per turn of the event loop
        ("status_every_s", 3601),  # /metrics would report depths an hour old
    ],
)
def test_live_settings_are_checked(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        LiveSettings(**{field: value})


def test_brokers_refuse_a_url_that_is_not_mqtt() -> None:
    with pytest.raises(ValueError, match="mqtt://"):
        Brokers.same("http://127.0.0.1:1883")
