"""One depot's deliveries of one day, in the engine's integer units.

The planner thinks in hours, kilometres and fractional units; the engine
in integers. Every rounding here errs on the safe side, so a route the
engine calls feasible is feasible on the planner's own clock
(`optimizer.geometry.trip`): travel and service times round up, window
closings down, departures up and shifts down by a tick.

Units: metres, milliseconds, millionths of a product unit; costs in `MONEY`
units per currency unit, so a metre driven at `cost_per_km` costs
`cost_per_km * 100` and a visit's prize is its shortage penalty.

Time and load are that fine for the engine's penalties, not for precision.
PyVRP searches through infeasible solutions, charging a penalty per unit of
time warp (a late stop or a late return) and of excess load, between 0.1
and 1e5 per unit (its ceiling keeps a banned arc, `MAX_VALUE` long, from
overflowing a route's cost). A prize is a shortage penalty: a customer's
day can be worth 1e4 currency units, 1e9 here. Counted per second and per
thousandth of a unit, the midpoint penalty (5e4) priced an hour late at
1.8e8, so the engine's best solution on the regional scenarios served
every client and broke the shift, and it kept that one: candidate
generation's iteration budgets (`optimizer.columns`) end before the 500
solutions after which PyVRP first raises its penalties.
Every such route failed the independent check, so a depot got no routes
from the engine at all. Counted per millisecond and per millionth, a second
late costs 5e7 (500 currency units) and a unit over 5e10 (5e5): a day's
value buys seconds of lateness, not hours, and the engine's routes pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optimizer.fleet import VehicleData
from optimizer.geometry import road_km
from optimizer.vrp.problem import VehicleClass, VrpInstance
from supplysync.network import Customer, Location

UNITS = 1_000_000
"""Integer load units per product unit (loads are kept to three decimals)."""
TICKS = 3_600_000
"""Integer time units per hour (milliseconds)."""
NEVER = 10**12
"""A due time no route reaches (the depot's)."""
MONEY = 100_000
"""Integer cost units per currency unit."""
REEFER_PREMIUM_KM = 30.0
"""Using a reefer costs as much as this many extra km, so dry goods take box
trucks when they can and reefers stay free for cold-chain orders a later
replan adds (on the demo the premium is worth 0.7 points of the replanning
loop's fill rate)."""


@dataclass(frozen=True)
class Visit:
    """A load for one customer: `cold` loads need a working reefer; `value` is its prize."""

    customer: Customer
    quantity: float
    cold: bool
    value: float


@dataclass(frozen=True)
class Truck:
    """A vehicle as this day's problem sees it: room left, departure hour, cost per km."""

    vehicle: VehicleData
    room: float
    departure: float
    cost_per_km: float


def depot_instance(
    depot: Location, visits: Sequence[Visit], trucks: Sequence[Truck]
) -> VrpInstance:
    """The VRP of a depot's day: one optional client per visit, one vehicle class per truck."""
    places = [depot, *(v.customer.location for v in visits)]
    km = np.array([[road_km(a, b) for b in places] for a in places])
    speeds = sorted({t.vehicle.speed_kmh for t in trucks})
    customers = [v.customer for v in visits]
    return VrpInstance(
        name="depot",
        distances=np.rint(km * 1000).astype(np.int64),
        demands=np.array([0, *(round(v.quantity * UNITS) for v in visits)], dtype=np.int64),
        vehicles=tuple(_vehicle(t, speeds.index(t.vehicle.speed_kmh)) for t in trucks),
        ready=np.array([0, *(math.ceil(c.window_open_h * TICKS) for c in customers)]),
        due=np.array([NEVER, *(math.floor(c.window_close_h * TICKS) for c in customers)]),
        service=np.array([0, *(math.ceil(c.service_minutes * TICKS / 60) for c in customers)]),
        durations=tuple(np.ceil(km / s * TICKS).astype(np.int64) for s in speeds),
        special_only=np.array([False, *(v.cold for v in visits)]),
        prizes=np.array([0, *(round(v.value * MONEY) for v in visits)], dtype=np.int64),
    )


def _vehicle(t: Truck, travel: int) -> VehicleClass:
    per_metre = round(t.cost_per_km * MONEY / 1000)
    return VehicleClass(
        count=1,
        capacity=round(t.room * UNITS),
        start=math.ceil(t.departure * TICKS),
        shift=math.floor(t.vehicle.shift_hours * TICKS) - 1,
        travel=travel,
        special=t.vehicle.cold_ok,
        unit_cost=per_metre,
        fixed_cost=round(REEFER_PREMIUM_KM * 1000 * per_metre) if t.vehicle.refrigerated else 0,
        name=t.vehicle.vehicle_id,
    )
