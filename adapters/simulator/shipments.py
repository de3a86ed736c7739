"""Suppliers and their shipments, each tracked by its own GPS logger.

A purchase order ships at the start of its order period (or at once if that
has passed) and drives straight to its destination, arriving at 08:00 of its
arrival day. A supplier delay in force when it ships makes the goods due the
delay after the supplier's own terms (its lead time from the shipping day);
when that is after the promised day the shipment stops halfway for the
difference, its tracker still reporting, with speed 0. An order whose
promise already allows for the delay is not held again. Each tracker reports
hourly, and once more with speed 0 at the destination, just before the goods
are scanned in. A supplier ships at most its quoted `capacity_per_day` of a
product per day; the excess is dropped and noted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from adapters.simulator.disruptions import Disruptions
from adapters.simulator.geo import between, latlon, road_km
from adapters.simulator.warehouses import WarehouseSim
from adapters.simulator.world import EPS, World, day_start, hour_crossed
from supplysync.commands import SupplyOrder
from supplysync.network import Network, Supplier
from supplysync.plan import PurchaseOrder
from supplysync.planning import PlanningWindow

ARRIVAL_HOUR = 8.0
FALLBACK_KMH = 60.0
"""Truck speed for an order shipped too late to arrive by its arrival day."""
REEFER_C = 4.0
_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass
class _Shipment:
    """Goods of one purchase order on the road.

    `device` is `{supplier}-trk-{po_id}`; characters a device id may not
    contain are replaced by `-`, so the tracker's readings always validate.
    """

    po: PurchaseOrder
    units: float
    origin: tuple[float, float]
    dest: tuple[float, float]
    depart_h: float
    hold_at_h: float
    hold_h: float
    arrive_h: float
    km: float
    cold: bool
    device: str

    def fix(self, h: float) -> tuple[float, float, float]:
        """(lat, lon, speed km/h) at hour `h`."""
        moving_h = self.arrive_h - self.depart_h - self.hold_h
        if h < self.hold_at_h:
            done = h - self.depart_h
        elif h < self.hold_at_h + self.hold_h:
            lat, lon = between(self.origin, self.dest, 0.5)
            return lat, lon, 0.0
        else:
            done = h - self.depart_h - self.hold_h
        lat, lon = between(self.origin, self.dest, done / moving_h if moving_h > 0 else 1.0)
        return lat, lon, self.km / moving_h if moving_h > 0 else 0.0


class SupplierSim:
    """One supplier: its open purchase orders and the shipments on the road."""

    def __init__(
        self,
        spec: Supplier,
        network: Network,
        warehouses: dict[str, WarehouseSim],
        world: World,
        disruptions: Disruptions,
    ) -> None:
        self.spec = spec
        self._warehouses = warehouses
        self._world = world
        self._disruptions = disruptions
        self._cold = {p.id for p in network.products if p.cold_chain}
        self._capacity = {q.product_id: q.capacity_per_day for q in spec.quotes}
        self._lead_h = {q.product_id: 24.0 * q.lead_time_days for q in spec.quotes}
        self._price = {q.product_id: q.unit_price for q in spec.quotes}
        self._pending: list[tuple[float, float, PurchaseOrder]] = []
        self._shipped_ids: set[str] = set()
        self._shipped_per_day: dict[tuple[int, str], float] = defaultdict(float)
        self._road: list[_Shipment] = []
        self._now = 0.0

    @property
    def id(self) -> str:
        return self.spec.id

    def command(self, order: SupplyOrder, window: PlanningWindow, now_h: float) -> None:
        """Replace the orders not yet shipped from the window start on; shipped ones travel on."""
        hours = self._world.hours
        cut = hours(window.start) - EPS
        self._pending = [item for item in self._pending if item[0] < cut]
        for po in order.orders:
            if po.po_id in self._shipped_ids or po.quantity <= 0 or po.supplier_id != self.id:
                continue
            if po.product_id not in self._capacity or po.destination_id not in self._warehouses:
                self._world.note(now_h, f"{self.id} cannot serve {po.po_id}: dropped")
                continue
            ship_h = max(now_h, hours(window.period_start(po.order_period)))
            arrive_h = hours(window.period_start(po.arrival_period)) + ARRIVAL_HOUR
            self._pending.append((ship_h, arrive_h, po))
        self._pending.sort(key=lambda item: item[0])

    def step(self, t0: float, t1: float) -> None:
        """Ship, move and deliver through `[t0, t1)`; trackers report hourly at `t1`."""
        while self._pending and self._pending[0][0] < t1 - EPS:
            ship_h, arrive_h, po = self._pending.pop(0)
            self._ship(max(ship_h, t0), arrive_h, po)
        for shipment in [s for s in self._road if s.arrive_h < t1 - EPS]:
            self._road.remove(shipment)
            self._deliver(max(shipment.arrive_h, t0), shipment)
        self._now = t1
        if hour_crossed(t0, t1):
            for shipment in self._road:
                if shipment.depart_h <= t1 < shipment.arrive_h - EPS:
                    self._report(t1, shipment)

    def in_transit(self) -> Iterator[tuple[str, float]]:
        """(product, units) of the shipments on the road."""
        return ((s.po.product_id, s.units) for s in self._road)

    def state(self) -> list[dict[str, Any]]:
        return [
            {
                "po_id": s.po.po_id,
                "product_id": s.po.product_id,
                "destination_id": s.po.destination_id,
                "units": s.units,
                "position": list(s.fix(self._now)[:2]),
                "arrives": self._world.emit.ts(s.arrive_h).isoformat(),
            }
            for s in self._road
        ]

    def _ship(self, h: float, arrive_h: float, po: PurchaseOrder) -> None:
        self._shipped_ids.add(po.po_id)
        key = (int(h // 24), po.product_id)
        units = min(
            po.quantity, max(0.0, self._capacity[po.product_id] - self._shipped_per_day[key])
        )
        if units < po.quantity - EPS:
            self._world.note(
                h, f"{self.id} over capacity: {po.po_id} ships {units:g} of {po.quantity:g}"
            )
        if units <= EPS:
            return
        self._shipped_per_day[key] += units
        self._world.tally.purchased[self.id, po.product_id, self._price[po.product_id]] += units
        origin = latlon(self.spec.location)
        dest = latlon(self._warehouses[po.destination_id].spec.location)
        km = road_km(origin, dest)
        arrive_h = max(arrive_h, h + km / FALLBACK_KMH)
        late_h = self._disruptions.hold_hours(self.id, h)
        if late_h > 0:
            due_h = day_start(h) + self._lead_h[po.product_id] + ARRIVAL_HOUR + late_h
            hold_h = max(0.0, due_h - arrive_h)
        else:
            hold_h = 0.0
        shipment = _Shipment(
            po=po,
            units=units,
            origin=origin,
            dest=dest,
            depart_h=h,
            hold_at_h=(h + arrive_h) / 2,
            hold_h=hold_h,
            arrive_h=arrive_h + hold_h,
            km=km,
            cold=po.product_id in self._cold,
            device=_NOT_ID.sub("-", f"{self.id}-trk-{po.po_id}")[:64],
        )
        self._road.append(shipment)
        self._report(h, shipment)

    def _deliver(self, h: float, shipment: _Shipment) -> None:
        emit, po = self._world.emit, shipment.po
        lat, lon = shipment.dest
        emit.location(
            h, shipment.device, self.id, lat=lat, lon=lon, speed_kmh=0.0, shipment_id=po.po_id
        )
        if shipment.cold:
            self._temperature(h, shipment)
        self._warehouses[po.destination_id].receive(h, po.product_id, shipment.units, po.po_id)

    def _report(self, h: float, shipment: _Shipment) -> None:
        lat, lon, speed = shipment.fix(h)
        self._world.emit.location(
            h,
            shipment.device,
            self.id,
            lat=lat,
            lon=lon,
            speed_kmh=speed,
            shipment_id=shipment.po.po_id,
        )
        if shipment.cold:
            self._temperature(h, shipment)

    def _temperature(self, h: float, shipment: _Shipment) -> None:
        celsius = REEFER_C + 0.3 * self._world.rng.standard_normal()
        self._world.emit.temperature(
            h, shipment.device, self.id, celsius, shipment_id=shipment.po.po_id
        )
