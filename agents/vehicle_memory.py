"""What a vehicle agent remembers: one frozen record, replaced at every step.

Its JSON dump is snapshot format 1 as the agent wrote it field by field
before the record existed, so stored snapshots of that format read as they are.
"""

from __future__ import annotations

from agents.cargo import CargoMemory
from agents.geo import Point
from agents.memory import Memory
from agents.persist import IsoTime
from agents.routes import RouteProgress
from agents.vehicle_alerts import VehicleLatches


class VehicleMemory(Memory):
    """The latest fix and sensor values, the cargo box, the alarms and the routes taken.

    Attributes:
        pos: where the latest GNSS fix put it (the depot before the first).
        cargo: the cargo box's excursion and fault bookkeeping.
        watch: the door and fuel latches.
        speed, fix_ts: the latest fix's speed and time.
        cargo_c, fuel, door_open, last_shock_g: the latest sensor values.
        routes: the accepted routes not done yet, the one under way first
            if any (a route under way is never recalled).
    """

    pos: Point
    cargo: CargoMemory = CargoMemory()
    watch: VehicleLatches = VehicleLatches()
    speed: float = 0.0
    fix_ts: IsoTime | None = None
    cargo_c: float | None = None
    fuel: float | None = None
    door_open: bool = False
    last_shock_g: float | None = None
    routes: tuple[RouteProgress, ...] = ()
