"""A fleet started mid-day counts its days from UTC midnight, as the planner and the API do.

Machines' shifts, customers' receiving windows, the departure hour and the
daily orders are read in hours of a day; the timetable on the page and the
live loop's plan periods count days from UTC midnight. A fleet that counted
them from its own start (14:37, say) had its customers order, its orders
fall due and its machines start their shift at 14:37 every day, while the
plan and the page spoke of days from midnight.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.devices import BrokerAddress, Fleet, FleetSettings
from supplysync.planning import PlanningWindow, calendar_period
from supplysync.scenario import Scenario

STARTED = datetime(2026, 12, 4, 14, 37, 12, 500_000, tzinfo=UTC)
MIDNIGHT = datetime(2026, 12, 4, tzinfo=UTC)


def fleet_at(scenario: Scenario, start: datetime) -> Fleet:
    """A fleet at the wall's pace, not connected: its world is all this looks at."""
    return Fleet(
        scenario=scenario,
        broker=BrokerAddress("127.0.0.1", 1883),
        credentials=None,
        settings=FleetSettings(speed=1.0),
        start=start,
    )


def test_a_fleet_started_mid_day_stands_at_its_start_to_the_second(
    demo_scenario: Scenario,
) -> None:
    fleet = fleet_at(demo_scenario, STARTED)
    assert fleet.now() == fleet.simulator.now == datetime(2026, 12, 4, 14, 37, 12, tzinfo=UTC)


def test_a_fleet_started_mid_day_orders_for_days_from_utc_midnight(
    demo_scenario: Scenario,
) -> None:
    fleet = fleet_at(demo_scenario, STARTED)
    orders = fleet.simulator.advance(fleet.now()).orders
    assert {o.created_at for o in orders} == {MIDNIGHT}
    assert {o.due for o in orders} == {MIDNIGHT, MIDNIGHT + timedelta(days=1)}
    assert fleet.simulator.end == MIDNIGHT + timedelta(days=demo_scenario.simulation.days)


def test_the_planners_periods_are_the_fleets_days(demo_scenario: Scenario) -> None:
    fleet = fleet_at(demo_scenario, STARTED)
    orders = fleet.simulator.advance(fleet.now()).orders
    window = PlanningWindow(start=calendar_period(fleet.now(), 24.0), periods=3)
    assert window.start == MIDNIGHT
    due = {o.order_id: o.due for o in orders}
    assert {window.period_of(d) for d in due.values()} == {0, 1}
    assert all(window.period_start(window.period_of(d)) == d for d in due.values())
