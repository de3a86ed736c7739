"""`VehicleAgent`: position, cargo and progress of one delivery vehicle.

It follows its accepted routes from GNSS fixes (agents.routes), watches the
cargo box (agents.cargo) and reports where it is and what it carries, so a
replan starts the vehicle where it is with the load it has.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agents.cargo import CargoWatch
from agents.coldchain import Range, cold_range
from agents.core import AgentCore
from agents.geo import Point, site_point
from agents.persist import iso, point, when
from agents.routes import RouteProgress
from agents.settings import AgentSettings
from agents.shifts import shift_left_today
from agents.vehicle_alerts import VehicleAlerts
from supplysync.commands import AssignmentResponse, Command, RouteOrder
from supplysync.events import Alert
from supplysync.network import Location, Network
from supplysync.offers import VehicleOffer
from supplysync.plan import Route
from supplysync.planning import PlanningWindow
from supplysync.readings import (
    DoorReading,
    FuelReading,
    HarshDrivingReading,
    LocationReading,
    Reading,
    ShockReading,
    TemperatureReading,
)


class VehicleAgent(AgentCore):
    """Live state of one vehicle and its part of the delivery plan."""

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "vehicle", network, settings)
        self.spec = network.vehicle(asset_id)
        self._network = network
        self._products = {p.id: p for p in network.products}
        depot = network.location_of(self.spec.depot_id)
        self._depot: Point = (depot.lat, depot.lon)
        self._cargo = CargoWatch(
            self._alert, self.settings, self.spec.refrigerated, cold_range(network.products)
        )
        self._watch = VehicleAlerts(self._alert, self.settings, self.spec)
        self._pos: Point = self._depot
        self._speed = 0.0
        self._fix_ts: datetime | None = None
        self._cargo_c: float | None = None
        self._fuel: float | None = None
        self._door_open = False
        self._last_shock_g: float | None = None
        self._routes: list[RouteProgress] = []

    # ------------------------------------------------------------------ readings
    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        if isinstance(reading, LocationReading):
            self._on_fix(reading, alerts)
        elif isinstance(reading, TemperatureReading):
            self._cargo_c = reading.celsius
            self._cargo.update(reading, self._carried_range(), self._door_open, alerts)
        elif isinstance(reading, FuelReading):
            self._fuel = reading.percent
            self._watch.fuel(reading, alerts)
        elif isinstance(reading, HarshDrivingReading):
            alerts.append(self._watch.harsh(reading))
        elif isinstance(reading, DoorReading):
            self._door_open = reading.open
            self._watch.door(reading)
        elif isinstance(reading, ShockReading):
            self._last_shock_g = reading.g
        self._watch.door_check(reading.ts, alerts)

    def _on_fix(self, r: LocationReading, alerts: list[Alert]) -> None:
        self._pos, self._speed, self._fix_ts = (r.lat, r.lon), r.speed_kmh, r.ts
        route = self._current(r.ts)
        if route is None:
            return
        s = self.settings
        route.advance(
            self._pos, r.speed_kmh, r.ts, reach_km=s.stop_reach_km, slow_kmh=s.stop_speed_kmh
        )
        if route.done:
            self._routes.remove(route)
        elif route.started:
            self._watch.eta(route, r, alerts)
            self._watch.deviation(route, r, alerts)

    def _current(self, ts: datetime) -> RouteProgress | None:
        """The route under way, else the one due to start; drops routes never driven."""
        for route in self._routes:
            if route.started:
                return route
        self._routes = [r for r in self._routes if r.end > ts]
        return next((r for r in self._routes if r.start <= ts), None)

    def _under_way(self) -> RouteProgress | None:
        return next((r for r in self._routes if r.started), None)

    def _carried_range(self) -> Range | None:
        route = self._under_way()
        if route is None:
            return None
        on_board = (self._products[p] for p in route.remaining_load() if p in self._products)
        return cold_range(on_board)

    def _check_time(self, now: datetime, alerts: list[Alert]) -> None:
        self._watch.door_check(now, alerts)

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> VehicleOffer:
        """Where the vehicle is, what it carries and whether it can take new work."""
        route = self._under_way()
        return VehicleOffer(
            vehicle_id=self.asset_id,
            depot_id=self.spec.depot_id,
            location=Location(lat=self._pos[0], lon=self._pos[1]),
            capacity_units=self.spec.capacity_units,
            load=route.remaining_load() if route else {},
            available=route is None,
            refrigeration_ok=self._cargo.refrigeration_ok,
            refrigerated=self.spec.refrigerated,
            remaining_shift_h=self._shift_left(now, route is not None),
            committed_stops=route.remaining_stops() if route else [],
        )

    def _shift_left(self, now: datetime, under_way: bool) -> float:
        """Hours of today's shift ahead; none for an idle vehicle after the last departure."""
        s = self.settings
        last = s.vehicle_last_departure_hour
        midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        if not under_way and last is not None and now > midnight + timedelta(hours=last):
            return 0.0
        return shift_left_today(now, s.vehicle_shift_start_hour, self.spec.shift_hours)

    def review(self, command: Command) -> AssignmentResponse:
        """Reject cold-chain loads it cannot keep cold, overloads and unknown stops."""
        body = command.body
        if not isinstance(body, RouteOrder):
            reasons = [f"a vehicle takes route orders, not {body.kind}"]
        else:
            reasons = [
                reason
                for route in body.routes
                if route.vehicle_id == self.asset_id
                for reason in self._route_problems(route)
            ]
        return AssignmentResponse(
            asset_id=self.asset_id,
            plan_id=command.plan_id,
            accepted=not reasons,
            reason="; ".join(reasons),
        )

    def _route_problems(self, route: Route) -> list[str]:
        reasons = []
        cold = sorted(p for p, units in route.load.items() if units > 0 and self._is_cold(p))
        if cold and not self.spec.refrigerated:
            reasons.append(f"period {route.period}: {', '.join(cold)} needs a refrigerated vehicle")
        elif cold and not self._cargo.refrigeration_ok:
            reasons.append(
                f"period {route.period}: refrigeration unit not holding temperature, "
                f"cannot carry {', '.join(cold)}"
            )
        units = sum(route.load.values())
        if units > self.spec.capacity_units + self.settings.load_tolerance_units:
            reasons.append(
                f"period {route.period}: load {units:.0f} units exceeds capacity "
                f"{self.spec.capacity_units:.0f}"
            )
        unknown = [s.site_id for s in route.stops if site_point(self._network, s.site_id) is None]
        if unknown:
            reasons.append(f"period {route.period}: unknown stop(s) {', '.join(unknown)}")
        return reasons

    def _is_cold(self, product_id: str) -> bool:
        product = self._products.get(product_id)
        return product is not None and product.cold_chain

    def commit(self, command: Command) -> None:
        """Take the accepted routes; a route under way is kept, not recalled."""
        if not isinstance(command.body, RouteOrder):
            return
        window = command.window
        kept = [r for r in self._routes if r.started]
        for route in command.body.routes:
            stops = [site_point(self._network, s.site_id) for s in route.stops]
            if route.vehicle_id != self.asset_id or any(p is None for p in stops):
                continue
            start = window.period_start(route.period)
            kept.append(
                RouteProgress(
                    route=route,
                    start=start,
                    end=start + timedelta(hours=window.period_hours),
                    depot=self._depot,
                    stops=[p for p in stops if p is not None],
                )
            )
        self._routes = kept

    def state(self) -> dict[str, Any]:
        """Position, cargo, door, fuel and route progress, JSON-ready."""
        route = self._under_way()
        return {
            "asset_id": self.asset_id,
            "kind": self.kind,
            "lat": self._pos[0],
            "lon": self._pos[1],
            "speed_kmh": self._speed,
            "fix_ts": self._fix_ts.isoformat() if self._fix_ts else None,
            "cargo_c": self._cargo_c,
            "fuel_percent": self._fuel,
            "door_open": self._door_open,
            "last_shock_g": self._last_shock_g,
            "refrigeration_ok": self._cargo.refrigeration_ok,
            "on_route": route is not None,
            "route_period": route.route.period if route else None,
            "next_stop": route.remaining_stops()[0] if route and route.remaining_stops() else None,
            "load": route.remaining_load() if route else {},
            "routes_committed": len(self._routes),
            "devices": self._devices_state(),
        }

    # ------------------------------------------------------------------ snapshots
    def _snapshot_state(self) -> dict[str, Any]:
        return {
            "cargo": self._cargo.snapshot(),
            "watch": self._watch.snapshot(),
            "pos": list(self._pos),
            "speed": self._speed,
            "fix_ts": iso(self._fix_ts),
            "cargo_c": self._cargo_c,
            "fuel": self._fuel,
            "door_open": self._door_open,
            "last_shock_g": self._last_shock_g,
            "routes": [route.to_json() for route in self._routes],
        }

    def _restore_state(self, data: dict[str, Any]) -> None:
        self._cargo.restore(data["cargo"])
        self._watch.restore(data["watch"])
        self._pos, self._speed, self._fix_ts = (
            point(data["pos"]),
            data["speed"],
            when(data["fix_ts"]),
        )
        self._cargo_c, self._fuel = data["cargo_c"], data["fuel"]
        self._door_open, self._last_shock_g = data["door_open"], data["last_shock_g"]
        self._routes = [RouteProgress.from_json(route) for route in data["routes"]]
