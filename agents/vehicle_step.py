"""How one reading, or the passing of time, changes what a vehicle agent remembers.

GNSS fixes move the vehicle along the route under way (agents.routes) and
are checked against its stops' times and legs; cargo temperatures are
judged against what is on board (agents.cargo); a door left open is raised
once, when a reading or the clock shows it has been open too long. `step`
and `tick` are pure: a memory and what follows it determine the agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from agents.cargo import CargoWatch
from agents.coldchain import Range, cold_range
from agents.routes import RouteProgress
from agents.settings import AgentSettings
from agents.vehicle_alerts import VehicleAlarms
from agents.vehicle_memory import VehicleMemory
from supplysync.events import Alert
from supplysync.network import Product
from supplysync.readings import (
    DoorReading,
    FuelReading,
    HarshDrivingReading,
    LocationReading,
    Reading,
    ShockReading,
    TemperatureReading,
)


@dataclass(frozen=True, slots=True)
class VehicleSetup:
    """What a step reads and never changes: tunables, products, the alarms, the cargo watch."""

    settings: AgentSettings
    products: Mapping[str, Product]
    alarms: VehicleAlarms
    cargo: CargoWatch


def step(
    memory: VehicleMemory, reading: Reading, setup: VehicleSetup
) -> tuple[VehicleMemory, list[Alert]]:
    """The memory after `reading` (admitted: new, of this vehicle) and the alerts it raises."""
    m, alarms = memory, setup.alarms
    alerts: list[Alert] = []
    if isinstance(reading, LocationReading):
        m, alerts = _fix(m, reading, setup)
    elif isinstance(reading, TemperatureReading):
        carried = carried_range(m, setup.products)
        cargo, alerts = setup.cargo.update(m.cargo, reading, carried, m.door_open)
        m = m.replace(cargo_c=reading.celsius, cargo=cargo)
    elif isinstance(reading, FuelReading):
        watch, alert = alarms.fuel(m.watch, reading)
        m = m.replace(fuel=reading.percent, watch=watch)
        alerts = [] if alert is None else [alert]
    elif isinstance(reading, HarshDrivingReading):
        alerts = [alarms.harsh(reading)]
    elif isinstance(reading, DoorReading):
        watch = alarms.door(m.watch, reading)
        m = m.replace(door_open=reading.open, watch=watch)
    elif isinstance(reading, ShockReading):
        m = m.replace(last_shock_g=reading.g)
    m, door = tick(m, reading.ts, setup)
    return m, (alerts + door) if door else alerts


def tick(
    memory: VehicleMemory, now: datetime, setup: VehicleSetup
) -> tuple[VehicleMemory, list[Alert]]:
    """The memory at `now` with no reading: DOOR_OPEN once the door has been open too long.

    `step` ends with it, so a shut door (most readings) returns at once.
    """
    if memory.watch.door_opened is None:
        return memory, []
    watch, alert = setup.alarms.door_check(memory.watch, now)
    if alert is None:
        return memory, []
    return memory.replace(watch=watch), [alert]


def under_way(memory: VehicleMemory) -> RouteProgress | None:
    """The route the vehicle is driving, if any."""
    for route in memory.routes:
        if route.started:
            return route
    return None


def carried_range(memory: VehicleMemory, products: Mapping[str, Product]) -> Range | None:
    """The temperature range the goods still on board allow; None with nothing cold on board."""
    route = under_way(memory)
    if route is None:
        return None
    return cold_range(products[p] for p in route.remaining_load() if p in products)


def _fix(
    m: VehicleMemory, r: LocationReading, setup: VehicleSetup
) -> tuple[VehicleMemory, list[Alert]]:
    pos = (r.lat, r.lon)
    routes, index = _current(m.routes, r.ts)
    alerts: list[Alert] = []
    if index is not None:
        s = setup.settings
        route = routes[index].advance(
            pos, r.speed_kmh, r.ts, reach_km=s.stop_reach_km, slow_kmh=s.stop_speed_kmh
        )
        if route.done:
            routes = routes[:index] + routes[index + 1 :]
        else:
            if route.started:
                route, slip = setup.alarms.eta(route, r)
                route, off = setup.alarms.deviation(route, r)
                alerts = [a for a in (slip, off) if a is not None]
            routes = (*routes[:index], route, *routes[index + 1 :])
    return m.replace(pos=pos, speed=r.speed_kmh, fix_ts=r.ts, routes=routes), alerts


def _current(
    routes: tuple[RouteProgress, ...], ts: datetime
) -> tuple[tuple[RouteProgress, ...], int | None]:
    """The routes left and the index of the one under way, else the one due to start.

    Routes due to end by `ts` that were never driven are dropped. A vehicle
    with no route (most fixes) has nothing to look through.
    """
    if not routes:
        return routes, None
    for index, route in enumerate(routes):
        if route.started:
            return routes, index
    routes = tuple(route for route in routes if route.end > ts)
    return routes, next((i for i, route in enumerate(routes) if route.start <= ts), None)
