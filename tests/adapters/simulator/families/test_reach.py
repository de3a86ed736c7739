"""The generator's reach rule is the planner's, for any stop."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.simulator.families.geography import offset
from adapters.simulator.families.reach import Drive, Stop
from optimizer.geometry import fits_shift, trip
from supplysync.network import Customer, Location

DEPOT = Location(lat=51.43, lon=6.77)


@settings(max_examples=300, deadline=None)
@given(
    east=st.floats(-400, 400),
    north=st.floats(-400, 400),
    opens=st.floats(0, 12),
    length=st.floats(1, 12),
    service=st.floats(0, 60),
    departure=st.floats(5, 9),
    speed=st.floats(20, 100),
    shift=st.floats(4, 14),
    limit=st.none() | st.floats(1, 8),
)
def test_reach_agrees_with_the_planners_trip_timing(
    east: float,
    north: float,
    opens: float,
    length: float,
    service: float,
    departure: float,
    speed: float,
    shift: float,
    limit: float | None,
) -> None:
    where = offset(DEPOT, east, north)
    close = min(24.0, opens + length)
    customer = Customer(
        id="C",
        name="C",
        location=where,
        region="r",
        demand_per_day={},
        window_open_h=opens,
        window_close_h=close,
        service_minutes=service,
    )
    drive = Drive(departure, speed, shift)
    timed = trip(DEPOT, [customer], departure_hour=departure, speed_kmh=speed)
    planner = fits_shift(timed, departure_hour=departure, shift_hours=shift)
    stop = Stop(where, opens, close, service)
    assert drive.reaches(DEPOT, stop) == planner
    cold = planner and (limit is None or timed.arrive[0] - departure <= limit + 1e-9)
    assert drive.reaches_cold(DEPOT, stop, limit) == cold
