"""Delivery vehicles: routes driven in straight lines, cargo climate, telematics.

A route for period `p` leaves at that day's `departure_hour`. If that time
has passed it leaves as soon as the vehicle is idle at its depot, unless it
is later than the day's last departure (`PlanningSettings.last_departure`,
so the planner knows it too); then the route is dropped and the vehicle waits for
the next one. It drives at `speed_kmh` times the traffic
factor of the region it is heading for, waits at a customer until the window
opens, serves for `service_minutes` with the door open, and returns to its
depot. Time inside a step is split at every change (arrival, window, service
end, traffic or reefer edge), so positions, timings and excursions are exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from adapters.simulator import cargo
from adapters.simulator.demand import OrderLedger
from adapters.simulator.disruptions import Disruptions, next_breakpoint
from adapters.simulator.geo import between, latlon, road_km
from adapters.simulator.trips import (
    Leg,
    Trip,
    drop_goods,
    on_board,
    plan_trip,
    track_excursions,
    unload,
)
from adapters.simulator.warehouses import WarehouseSim
from adapters.simulator.world import EPS, World, day_start, hour_crossed
from supplysync.commands import RouteOrder
from supplysync.network import Network, Vehicle
from supplysync.orders import ProofOfDelivery
from supplysync.plan import Route
from supplysync.planning import PlanningWindow

TANK_LITRES = 300.0
HARSH_PER_DRIVING_HOUR = 0.2
SHOCK_PER_DRIVING_HOUR = 0.05
_HARSH_EVENTS = ("brake", "accel", "corner")


class VehicleSim:
    """One vehicle: its pending routes, the trip under way and its devices."""

    def __init__(
        self,
        spec: Vehicle,
        *,
        network: Network,
        depot: WarehouseSim,
        ledger: OrderLedger,
        world: World,
        disruptions: Disruptions,
        departure_hour: float,
        last_departure_hour: float,
    ) -> None:
        self.spec = spec
        self._network = network
        self._depot = depot
        self._ledger = ledger
        self._world = world
        self._disruptions = disruptions
        self._departure_hour = departure_hour
        self._last_departure_hour = last_departure_hour
        self._breaks = disruptions.vehicle_breakpoints(spec.id)
        self._cold = {p.id: p for p in network.products if p.cold_chain}
        self._routes: list[tuple[float, int, Route]] = []
        self.trip: Trip | None = None
        self.pos = latlon(depot.spec.location)
        self.box_c = cargo.SET_POINT_C if spec.refrigerated else cargo.AMBIENT_C
        self.door_open = False
        self.fuel_l = TANK_LITRES * float(world.rng.uniform(0.7, 1.0))
        self._speed = 0.0
        self.proofs: list[ProofOfDelivery] = []

    @property
    def id(self) -> str:
        return self.spec.id

    def command(self, order: RouteOrder, window: PlanningWindow, now_h: float) -> None:
        """Replace the routes not yet begun from the window start on; a trip under way goes on."""
        hours = self._world.hours
        origin = self._world.start
        cut = hours(window.start) - EPS
        self._routes = [item for item in self._routes if item[0] < cut]
        for route in order.routes:
            if route.vehicle_id != self.id:
                continue
            begin = window.period_start(route.period)
            absolute = math.floor(
                (begin - origin).total_seconds() / 3600.0 / window.period_hours + EPS
            )
            self._routes.append((hours(begin) + self._departure_hour, absolute, route))
        self._routes.sort(key=lambda item: item[0])

    def step(self, t0: float, t1: float) -> None:
        """Drive through `[t0, t1)` and sample the devices at `t1`."""
        cur = t0
        while cur < t1 - EPS:
            cur = self._segment(cur, t1)
        self._sample(t0, t1)

    def on_board(self) -> Iterator[tuple[str, float]]:
        """(product, units) the vehicle carries that are still good."""
        return on_board(self.trip) if self.trip is not None else iter(())

    def state(self) -> dict[str, Any]:
        trip = self.trip
        return {
            "lat": round(self.pos[0], 6),
            "lon": round(self.pos[1], 6),
            "at_depot": trip is None,
            "cargo": {p: round(u, 4) for p, u in trip.cargo.items()} if trip else {},
            "cargo_c": round(self.box_c, 3),
            "fuel_pct": round(100.0 * self.fuel_l / TANK_LITRES, 2),
            "next_stop": trip.legs[trip.leg].site_id if trip else None,
            "spoiled": sorted(trip.spoiled) if trip else [],
            "pending_routes": len(self._routes),
        }

    def _segment(self, cur: float, t1: float) -> float:
        end = min(t1, next_breakpoint(self._breaks, cur))
        trip = self.trip
        if trip is None:
            start_h = self._due_route(cur)
            if start_h > cur + EPS:
                self._climate(cur, min(end, start_h))
                return min(end, start_h)
            trip = self._begin(cur)
        leg = trip.legs[trip.leg]
        if trip.phase == "drive":
            return self._drive(trip, leg, cur, end)
        end = max(cur, min(end, trip.phase_end_h))
        self._climate(cur, end)
        if end >= trip.phase_end_h - EPS:
            if trip.phase == "wait":
                self._serve(trip, leg, end)
            else:
                self._door(end, False)
                self._next_leg(trip)
        return end

    def _due_route(self, cur: float) -> float:
        """When the next route may start (infinity if none); drop routes too late to run."""
        while self._routes:
            start_h, _, route = self._routes[0]
            if start_h > cur + EPS:
                return start_h
            if cur <= day_start(start_h + EPS) + self._last_departure_hour + EPS:
                return cur
            self._routes.pop(0)
            self._world.note(cur, f"{self.id} route for period {route.period} too late: dropped")
        return math.inf

    def _begin(self, cur: float) -> Trip:
        _, period, route = self._routes.pop(0)
        trip = plan_trip(
            route,
            lot=f"route:{self.id}:{period}",
            h=cur,
            network=self._network,
            depot=self._depot,
            capacity=self.spec.capacity_units,
            world=self._world,
        )
        self.trip = trip
        self._start_leg(trip)
        return trip

    def _drive(self, trip: Trip, leg: Leg, cur: float, end: float) -> float:
        speed = self.spec.speed_kmh * self._disruptions.traffic_factor(leg.region, cur)
        left = trip.leg_km - trip.leg_done_km
        end = min(end, cur + left / speed)
        km = min(left, speed * (end - cur))
        trip.leg_done_km += km
        self.pos = between(
            trip.leg_from, leg.to, trip.leg_done_km / trip.leg_km if trip.leg_km > 0 else 1.0
        )
        self._world.tally.vehicle_km[self.id] += km
        self.fuel_l = max(0.0, self.fuel_l - km * self.spec.fuel_l_per_100km / 100.0)
        self._events(cur, end)
        self._climate(cur, end)
        self._speed = speed
        if trip.leg_done_km >= trip.leg_km - 1e-6:
            self._speed = 0.0
            self._arrive(trip, leg, end)
        return end

    def _arrive(self, trip: Trip, leg: Leg, h: float) -> None:
        self.pos = leg.to
        if leg.customer is None and trip.leg == len(trip.legs) - 1:
            unload(trip, h, self._depot, self._world)
            self.trip = None
            self.fuel_l = TANK_LITRES
            return
        if leg.customer is None:
            self._next_leg(trip)
            return
        opens = day_start(h) + leg.customer.window_open_h
        if h < opens - EPS:
            trip.phase, trip.phase_end_h = "wait", opens
        else:
            self._serve(trip, leg, h)

    def _serve(self, trip: Trip, leg: Leg, h: float) -> None:
        self._door(h, True)
        self.proofs.extend(
            drop_goods(trip, h, leg, vehicle_id=self.id, ledger=self._ledger, world=self._world)
        )
        service_h = leg.customer.service_minutes / 60.0 if leg.customer else 0.0
        trip.phase, trip.phase_end_h = "service", h + service_h

    def _next_leg(self, trip: Trip) -> None:
        trip.leg += 1
        self._start_leg(trip)

    def _start_leg(self, trip: Trip) -> None:
        trip.phase = "drive"
        trip.leg_from = self.pos
        trip.leg_km = road_km(self.pos, trip.legs[trip.leg].to)
        trip.leg_done_km = 0.0

    def _climate(self, cur: float, end: float) -> None:
        """Integrate the cargo box over `[cur, end)` and count cold-chain excursions."""
        dt = end - cur
        if dt <= 0:
            return
        cooling = self.spec.refrigerated and not self._disruptions.reefer_failed(self.id, cur)
        toward, tau = cargo.target(cooling, self.door_open)
        if self.trip is not None and self._cold:
            spoiled = track_excursions(
                self.trip, self._cold, temp=self.box_c, toward=toward, tau_h=tau, dt_h=dt
            )
            self._world.tally.cold_chain_breaches += len(spoiled)
            for product_id in spoiled:
                self._world.note(end, f"{self.id} {product_id} spoiled on {self.trip.lot}")
        self.box_c = cargo.relax(self.box_c, toward, tau, dt)

    def _events(self, cur: float, end: float) -> None:
        """Harsh-driving and shock events while driving, as Poisson processes."""
        rng, emit, vid = self._world.rng, self._world.emit, self.id
        dt = end - cur
        for _ in range(int(rng.poisson(HARSH_PER_DRIVING_HOUR * dt))):
            at = cur + dt * float(rng.random())
            kind = _HARSH_EVENTS[int(rng.integers(3))]
            emit.harsh_driving(at, f"{vid}-can", vid, kind, 0.35 + float(rng.exponential(0.1)))
        for _ in range(int(rng.poisson(SHOCK_PER_DRIVING_HOUR * dt))):
            at = cur + dt * float(rng.random())
            emit.shock(at, f"{vid}-shock", vid, 2.0 + float(rng.exponential(1.5)))

    def _door(self, h: float, is_open: bool) -> None:
        if self.door_open != is_open:
            self.door_open = is_open
            self._world.emit.door(h, f"{self.id}-door", self.id, is_open)

    def _sample(self, t0: float, t1: float) -> None:
        emit, vid = self._world.emit, self.id
        driving = self.trip is not None and self.trip.phase == "drive"
        speed = self._speed if driving else 0.0
        noise = float(self._world.rng.standard_normal())
        emit.location(t1, f"{vid}-gps", vid, lat=self.pos[0], lon=self.pos[1], speed_kmh=speed)
        cooling = self.spec.refrigerated and not self._disruptions.reefer_failed(vid, t1)
        emit.temperature(t1, f"{vid}-cargo", vid, self.box_c + (0.3 if cooling else 0.1) * noise)
        if hour_crossed(t0, t1):
            emit.fuel(t1, f"{vid}-can", vid, 100.0 * self.fuel_l / TANK_LITRES)
