"""Replan trigger: debounced bursts of significant alerts, periodic ticks, operator requests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from optimizer.trigger import SIGNIFICANT, TriggerState, decide
from supplysync.events import Alert, AlertKind, Severity
from supplysync.scenario import PlanningSettings
from tests.optimizer.conftest import START

S = PlanningSettings(debounce_minutes=60, tick_hours=24)
AFTER_FIRST_TICK = START + timedelta(minutes=1)


def _alert(aid: str, minutes: float, kind: AlertKind = AlertKind.PREDICTED_FAILURE) -> Alert:
    return Alert(
        alert_id=aid,
        asset_id="M-1",
        asset_kind="machine",
        kind=kind,
        severity=Severity.WARNING,
        ts=START + timedelta(minutes=minutes),
        message=aid,
    )


def _quiet() -> TriggerState:
    """A state whose first tick has already fired."""
    fired, state, _ = decide(TriggerState.starting(START), [], AFTER_FIRST_TICK, S)
    assert fired
    return state


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_a_burst_fires_once_debounce_after_its_first_alert() -> None:
    state = _quiet()
    fired, state, _ = decide(state, [_alert("a1", 10)], at(10), S)
    assert not fired
    fired, state, _ = decide(state, [_alert("a2", 30), _alert("a1", 10)], at(30), S)
    assert not fired
    fired, state, _ = decide(state, [_alert("a3", 69)], at(69), S)
    assert not fired
    fired, state, causes = decide(state, [], at(70), S)
    assert fired
    assert causes == ["a1", "a2", "a3"]
    fired, state, causes = decide(state, [], at(200), S)
    assert (fired, causes) == (False, [])


def test_a_new_burst_after_a_replan_waits_its_own_debounce() -> None:
    state = _quiet()
    _, state, _ = decide(state, [_alert("a1", 10)], at(10), S)
    fired, state, _ = decide(state, [], at(70), S)
    assert fired
    fired, state, _ = decide(state, [_alert("b1", 100)], at(100), S)
    assert not fired
    fired, _, causes = decide(state, [], at(160), S)
    assert (fired, causes) == (True, ["b1"])


@pytest.mark.parametrize(
    ("kind", "significant"),
    [
        (AlertKind.PREDICTED_FAILURE, True),  # machine will break
        (AlertKind.LATE_SHIPMENT, True),  # supplier delay
        (AlertKind.DEMAND_SPIKE, True),  # demand changed
        (AlertKind.COLD_CHAIN_EXCURSION, True),  # reefer failed
        (AlertKind.THRESHOLD, False),  # a raw reading crossed a line: agents decide
        (AlertKind.SENSOR_SILENT, False),  # telemetry gap, nothing physical changed
        (AlertKind.HARSH_DRIVING, False),  # driver behaviour
    ],
)
def test_only_significant_kinds_open_a_burst(kind: AlertKind, significant: bool) -> None:
    assert (kind in SIGNIFICANT) is significant
    _, state, _ = decide(_quiet(), [_alert("x", 5, kind)], at(5), S)
    fired, _, _ = decide(state, [], at(65), S)
    assert fired is significant


def test_the_periodic_tick_fires_every_tick_hours() -> None:
    state = TriggerState.starting(START)
    fired, state, causes = decide(state, [], START, S)
    assert (fired, causes) == (True, [])
    assert state.next_tick == START + timedelta(hours=24)
    fired, state, _ = decide(state, [], START + timedelta(hours=23), S)
    assert not fired
    fired, state, _ = decide(state, [], START + timedelta(hours=24), S)
    assert fired


def test_missed_ticks_fire_once() -> None:
    state = _quiet()
    fired, state, _ = decide(state, [], START + timedelta(hours=75), S)
    assert fired
    assert state.next_tick == START + timedelta(hours=96)
    fired, _, _ = decide(state, [], START + timedelta(hours=76), S)
    assert not fired


def test_an_operator_request_forces_a_replan_with_pending_alerts_as_causes() -> None:
    _, state, _ = decide(_quiet(), [_alert("a1", 5)], at(5), S)
    fired, state, causes = decide(state, [], at(6), S, ["op-1"])
    assert (fired, causes) == (True, ["a1", "op-1"])
    assert state.pending == () and state.burst_start is None


def test_zero_debounce_fires_on_the_alert() -> None:
    fired, _, causes = decide(
        _quiet(), [_alert("a1", 5)], at(5), PlanningSettings(debounce_minutes=0)
    )
    assert (fired, causes) == (True, ["a1"])
