"""The machine's operating transitions, one by one, and format 3's flags read as them."""

from __future__ import annotations

from typing import Any

import pytest

from agents.machine_memory import MachineMemory, upgrade_format_3
from agents.machine_operating import (
    RUNNING,
    UNHEARD,
    Down,
    Operating,
    Restarted,
    Stopped,
    break_down,
    start,
    stop,
)
from agents.machine_schedule import Schedule
from supplysync.commands import ProduceOrder
from supplysync.offers import MaintenanceWindow
from supplysync.planning import PlanningWindow
from tests.agents.conftest import T0, at

NIGHT_SERVICE = Schedule.accepted(
    "M-DUI-1",
    ProduceOrder(runs=[], maintenance=[MaintenanceWindow(machine_id="M-DUI-1", period=1, hours=4)]),
    PlanningWindow(start=T0, period_hours=24, periods=3),
)
"""Maintenance planned for the second day, from its midnight."""


def test_a_running_machine_stops_remembering_its_last_vibration() -> None:
    assert stop(RUNNING, at(10), 3.2, None) == Stopped(since=at(10), pre_stop_vib=3.2)
    serviced = Stopped(since=at(25), pre_stop_vib=3.2, service_pending=True)
    assert stop(RUNNING, at(25), 3.2, NIGHT_SERVICE) == serviced


def test_a_stop_before_the_first_sample_keeps_a_pending_service() -> None:
    after = stop(Restarted(service_pending=True), at(10), 2.0, None)
    assert after == Stopped(since=at(10), pre_stop_vib=2.0, service_pending=True)


def test_a_stop_already_seen_stays_as_it_was() -> None:
    stopped, down = Stopped(since=at(3), pre_stop_vib=1.0), Down(since=at(3))
    assert stop(stopped, at(4), 9.0, NIGHT_SERVICE) is stopped
    assert stop(down, at(4), 9.0, NIGHT_SERVICE) is down
    assert stop(UNHEARD, at(4), None, None) == Stopped()


def test_a_breakdown_dates_from_its_stop() -> None:
    assert break_down(Stopped(since=at(3)), at(5)) == Down(since=at(3))
    assert break_down(Stopped(), at(5)) == Down(since=at(5))


def test_restarts_and_what_makes_them_a_service() -> None:
    assert start(Down(since=at(3)), at(40), None) == Restarted(service_pending=True)
    assert start(UNHEARD, at(1), NIGHT_SERVICE) == Restarted()
    before_night = Stopped(since=at(22), pre_stop_vib=6.0)
    assert start(before_night, at(30), NIGHT_SERVICE) == Restarted(service_pending=True)
    assert start(before_night, at(23), NIGHT_SERVICE) == Restarted(pre_stop_vib=6.0)
    assert start(before_night, at(23), NIGHT_SERVICE).serviced(warn_mm_s=4.5)
    assert not start(before_night, at(23), NIGHT_SERVICE).serviced(warn_mm_s=7.1)


def _flags(**flags: Any) -> dict[str, Any]:
    unset = {"stopped_since": None, "pre_stop_vib": None, "restarted": False}
    return {"health": 0.9, **unset, "service_pending": False, "down_since": None, **flags}


@pytest.mark.parametrize(
    ("flags", "operating"),
    [
        (_flags(running=None), UNHEARD),
        (_flags(running=True, stopped_since=at(1).isoformat(), pre_stop_vib=2.0), RUNNING),
        (_flags(running=True, restarted=True, pre_stop_vib=5.0), Restarted(pre_stop_vib=5.0)),
        (
            _flags(running=True, restarted=True, pre_stop_vib=5.0, service_pending=True),
            Restarted(service_pending=True),
        ),
        (
            _flags(
                running=False, restarted=True, stopped_since=at(2).isoformat(), pre_stop_vib=1.0
            ),
            Stopped(since=at(2), pre_stop_vib=1.0),
        ),
        (_flags(running=False), Stopped()),
        (
            _flags(
                running=False,
                stopped_since=at(2).isoformat(),
                pre_stop_vib=6.0,
                service_pending=True,
                down_since=at(2).isoformat(),
            ),
            Down(since=at(2)),
        ),
    ],
)
def test_format_3_flags_read_as_the_state_they_combine_to(
    flags: dict[str, Any], operating: Operating
) -> None:
    assert MachineMemory.model_validate(upgrade_format_3(flags)).operating == operating
