"""Line-haul transfers between warehouses.

A plan sends the same `TransferOrder` to the origin and to the destination
warehouse, so transfers are kept once, by `transfer_id`. Each copy replaces
the not-yet-shipped transfers touching its warehouse that would ship from the
window start on; a shipped transfer is never recalled. A transfer ships at
the start of its `ship_period` (or at once if that has passed), taking what
the origin has, and arrives at 08:00 of its `arrival_period`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adapters.simulator.geo import latlon, road_km
from adapters.simulator.warehouses import WarehouseSim
from adapters.simulator.world import EPS, World
from supplysync.commands import TransferOrder
from supplysync.plan import Transfer
from supplysync.planning import PlanningWindow

ARRIVAL_HOUR = 8.0


@dataclass
class _Leg:
    transfer: Transfer
    ship_h: float
    arrive_h: float
    units: float = 0.0


class TransferBook:
    """Pending and travelling transfers of the whole network."""

    def __init__(self, warehouses: dict[str, WarehouseSim], world: World) -> None:
        self._warehouses = warehouses
        self._world = world
        self._pending: dict[str, _Leg] = {}
        self._moving: list[_Leg] = []
        self._shipped: set[str] = set()

    def command(
        self, warehouse_id: str, order: TransferOrder, window: PlanningWindow, now_h: float
    ) -> None:
        hours = self._world.hours
        cut = hours(window.start) - EPS
        for tid, leg in list(self._pending.items()):
            ours = warehouse_id in (leg.transfer.origin_id, leg.transfer.destination_id)
            if ours and leg.ship_h >= cut:
                del self._pending[tid]
        for t in order.transfers:
            if t.transfer_id in self._shipped or t.quantity <= 0:
                continue
            if t.origin_id not in self._warehouses or t.destination_id not in self._warehouses:
                self._world.note(now_h, f"transfer {t.transfer_id} names an unknown warehouse")
                continue
            ship_h = max(now_h, hours(window.period_start(t.ship_period)))
            arrive_h = hours(window.period_start(t.arrival_period)) + ARRIVAL_HOUR
            self._pending[t.transfer_id] = _Leg(t, ship_h, max(ship_h, arrive_h))

    def step(self, t0: float, t1: float) -> None:
        """Ship and land the transfers due in `[t0, t1)`."""
        for tid, leg in sorted(self._pending.items(), key=lambda kv: kv[1].ship_h):
            if leg.ship_h >= t1 - EPS:
                break
            del self._pending[tid]
            self._shipped.add(tid)
            t = leg.transfer
            at = max(leg.ship_h, t0)
            leg.units = self._warehouses[t.origin_id].take(at, t.product_id, t.quantity, tid)
            if leg.units < t.quantity - EPS:
                self._world.note(
                    at, f"transfer {tid} short: shipped {leg.units:g} of {t.quantity:g}"
                )
            if leg.units > 0:
                self._moving.append(leg)
                tally = self._world.tally
                tally.transfer_units += leg.units
                tally.transfer_unit_km += leg.units * self._km(t.origin_id, t.destination_id)
        for leg in [leg for leg in self._moving if leg.arrive_h < t1 - EPS]:
            self._moving.remove(leg)
            t = leg.transfer
            at = max(leg.arrive_h, t0)
            self._warehouses[t.destination_id].receive(at, t.product_id, leg.units, t.transfer_id)

    def in_transit(self) -> Iterator[tuple[str, float]]:
        """(product, units) of the transfers on the road."""
        return ((leg.transfer.product_id, leg.units) for leg in self._moving)

    def _km(self, origin_id: str, destination_id: str) -> float:
        a, b = self._warehouses[origin_id].spec, self._warehouses[destination_id].spec
        return road_km(latlon(a.location), latlon(b.location))

    def state(self) -> list[dict[str, Any]]:
        return [
            {
                "transfer_id": leg.transfer.transfer_id,
                "product_id": leg.transfer.product_id,
                "destination_id": leg.transfer.destination_id,
                "units": round(leg.units, 4),
                "arrives": self._world.emit.ts(leg.arrive_h).isoformat(),
            }
            for leg in self._moving
        ]
