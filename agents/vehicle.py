"""`VehicleAgent`: position, cargo and progress of one delivery vehicle.

It follows its accepted routes from GNSS fixes (agents.routes), watches the
cargo box (agents.cargo) and reports where it is and what it carries, so a
replan starts the vehicle where it is with the load it has. What the
readings teach is a `VehicleMemory` that `agents.vehicle_step` replaces for
each reading and tick; this class is the `agents.base.Agent` around it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agents.cargo import CargoWatch
from agents.coldchain import cold_range
from agents.core import AgentCore
from agents.geo import Point, site_point
from agents.routes import RouteProgress
from agents.settings import AgentSettings
from agents.shifts import shift_left_today
from agents.states import VehicleState
from agents.vehicle_alerts import VehicleAlarms
from agents.vehicle_memory import VehicleMemory
from agents.vehicle_step import VehicleSetup, step, tick, under_way
from supplysync.commands import AssignmentResponse, Command, RouteOrder
from supplysync.events import Alert
from supplysync.network import Location, Network
from supplysync.offers import VehicleOffer
from supplysync.plan import Route
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading


class VehicleAgent(AgentCore[VehicleMemory]):
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
        cargo = CargoWatch.of(
            self._alert, self.settings, self.spec.refrigerated, cold_range(network.products)
        )
        alarms = VehicleAlarms(self._alert, self.settings, self.spec)
        self._setup = VehicleSetup(self.settings, self._products, alarms, cargo)
        self.memory = VehicleMemory(pos=self._depot)

    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        self.memory, raised = step(self.memory, reading, self._setup)
        alerts.extend(raised)

    def _check_time(self, now: datetime, alerts: list[Alert]) -> None:
        self.memory, raised = tick(self.memory, now, self._setup)
        alerts.extend(raised)

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> VehicleOffer:
        """Where the vehicle is, what it carries and whether it can take new work."""
        route, pos = under_way(self.memory), self.memory.pos
        return VehicleOffer(
            vehicle_id=self.asset_id,
            depot_id=self.spec.depot_id,
            location=Location(lat=pos[0], lon=pos[1]),
            capacity_units=self.spec.capacity_units,
            load=route.remaining_load() if route else {},
            available=route is None,
            refrigeration_ok=self.memory.cargo.refrigeration_ok,
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
        elif cold and not self.memory.cargo.refrigeration_ok:
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
        kept = [r for r in self.memory.routes if r.started]
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
                    stops=tuple(p for p in stops if p is not None),
                )
            )
        self.memory = self.memory.replace(routes=tuple(kept))

    def state(self) -> VehicleState:
        """Position, cargo, door, fuel and route progress."""
        m, route = self.memory, under_way(self.memory)
        stops = route.remaining_stops() if route else []
        return VehicleState(
            asset_id=self.asset_id,
            kind="vehicle",
            lat=m.pos[0],
            lon=m.pos[1],
            speed_kmh=m.speed,
            fix_ts=m.fix_ts,
            cargo_c=m.cargo_c,
            fuel_percent=m.fuel,
            door_open=m.door_open,
            last_shock_g=m.last_shock_g,
            refrigeration_ok=m.cargo.refrigeration_ok,
            on_route=route is not None,
            route_period=route.route.period if route else None,
            next_stop=stops[0] if stops else None,
            load=route.remaining_load() if route else {},
            routes_committed=len(m.routes),
            devices=self._devices_state(),
        )
