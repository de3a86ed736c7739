"""Warehouses: stock per product under one shared capacity, and their sensors.

Every movement goes through `receive` or `take`, which keep the two
invariants (stock never negative, total never above capacity) and make the
RFID scan. A receipt is accepted up to the free space; the rest is refused at
the dock, counted in `refused_units` and lost to the network.
"""

from __future__ import annotations

from typing import Any

from adapters.simulator.disruptions import Disruptions
from adapters.simulator.world import MIN_UNITS, World, hour_crossed
from supplysync.network import Network, Warehouse

COLD_ROOM_C = 4.0
AMBIENT_ROOM_C = 16.0
SURGE_HOUR = 10.0


class WarehouseSim:
    """One warehouse's true stock and its shelf, environment and RFID devices."""

    def __init__(self, spec: Warehouse, network: Network, world: World) -> None:
        self.spec = spec
        self._world = world
        self.stock: dict[str, float] = {
            p.id: float(spec.initial_stock.get(p.id, 0.0)) for p in network.products
        }
        self._holding = {p.id: p.holding_cost_per_day for p in network.products}
        self._room_c = COLD_ROOM_C if spec.cold_storage else AMBIENT_ROOM_C
        self._surges: list[tuple[float, str, float, str]] = []

    @property
    def id(self) -> str:
        return self.spec.id

    def free(self) -> float:
        return max(0.0, self.spec.capacity_units - sum(self.stock.values()))

    def add_surge(self, day: int, product_id: str, quantity: float, lot: str) -> None:
        self._surges.append((24.0 * day + SURGE_HOUR, product_id, quantity, lot))
        self._surges.sort()

    def receive(self, h: float, product_id: str, units: float, lot: str) -> float:
        """Put goods away; return the units accepted (the rest is refused)."""
        accepted = min(units, self.free())
        refused = units - accepted
        if refused > MIN_UNITS:
            self._world.tally.refused[product_id] += refused
            self._world.note(h, f"{self.id} full: refused {refused:g} {product_id} of lot {lot}")
        if accepted > MIN_UNITS:
            self.stock[product_id] = self.stock.get(product_id, 0.0) + accepted
            self._scan(h, lot, product_id, accepted, "in")
            return accepted
        return 0.0

    def take(self, h: float, product_id: str, units: float, lot: str) -> float:
        """Pick goods; return the units actually there to take."""
        taken = min(units, self.stock.get(product_id, 0.0))
        if taken <= MIN_UNITS:
            return 0.0
        self.stock[product_id] -= taken
        self._scan(h, lot, product_id, taken, "out")
        return taken

    def land_surges(self, t0: float, t1: float) -> None:
        """Receive the unplanned deliveries due in `[t0, t1)`."""
        while self._surges and self._surges[0][0] < t1:
            at, product_id, quantity, lot = self._surges.pop(0)
            self.receive(max(at, t0), product_id, quantity, lot)

    def sample(self, t0: float, t1: float) -> None:
        """Accrue carrying cost on the stock left at `t1` and sample the sensors."""
        days = (t1 - t0) / 24.0
        self._world.tally.carrying_cost += days * sum(
            units * self._holding[p] for p, units in self.stock.items()
        )
        emit, rng, wid = self._world.emit, self._world.rng, self.id
        noise = rng.standard_normal(2)
        emit.temperature(t1, f"{wid}-env", wid, self._room_c + 0.3 * noise[0])
        emit.humidity(t1, f"{wid}-env", wid, 45.0 + 3.0 * noise[1])
        if hour_crossed(t0, t1):
            for product_id, units in self.stock.items():
                emit.stock_level(t1, f"{wid}-shelf", wid, product_id, units)

    def state(self) -> dict[str, Any]:
        return {
            "stock": {p: round(u, 4) for p, u in self.stock.items()},
            "free_units": round(self.free(), 4),
            "capacity_units": self.spec.capacity_units,
        }

    def _scan(self, h: float, lot: str, product_id: str, units: float, direction: str) -> None:
        self._world.emit.rfid(
            h,
            f"{self.id}-rfid",
            self.id,
            lot_id=lot,
            product_id=product_id,
            units=units,
            direction=direction,
            site_id=self.id,
        )


def surge_lots(disruptions: Disruptions, warehouses: dict[str, WarehouseSim]) -> None:
    """Schedule each inbound surge at its warehouse as lot `surge:{n}`."""
    for n, surge in enumerate(disruptions.surges):
        warehouses[surge.warehouse_id].add_surge(
            surge.day, surge.product_id, surge.quantity, f"surge:{n}"
        )
