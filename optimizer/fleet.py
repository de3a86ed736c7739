"""The delivery fleet as planning sees it: capacity per depot and period, and reach.

A warehouse may serve a customer only if one of its vehicles can drive there,
keep the customer's window and be back within the driver's shift; cold-chain
products need a refrigerated vehicle whose cooling works.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from optimizer.geometry import fits_shift, trip
from supplysync.network import Customer, Network
from supplysync.offers import VehicleOffer

Key2 = tuple[str, str]


@dataclass(frozen=True)
class VehicleData:
    """A vehicle as planning sees it (network spec joined with its offer)."""

    vehicle_id: str
    depot_id: str
    capacity_units: float
    free_now: float
    speed_kmh: float
    shift_hours: float
    refrigerated: bool
    cold_ok: bool
    available: bool

    def capacity(self, period: int) -> float:
        """Units it can carry in a period; only period 0 knows its state."""
        if period > 0:
            return self.capacity_units
        return self.free_now if self.available else 0.0


def fleet_of(offers: list[VehicleOffer], net: Network, notes: list[str]) -> tuple[VehicleData, ...]:
    """The offered vehicles that the network knows, joined with their spec."""
    return tuple(_vehicle(v, net) for v in offers if _known_vehicle(v, net, notes))


def parked_today(vehicles: tuple[VehicleData, ...]) -> tuple[VehicleData, ...]:
    """The fleet when the day's last departure has passed: no new load leaves in period 0."""
    return tuple(replace(v, available=False) for v in vehicles)


def capacity_by_depot(
    vehicles: tuple[VehicleData, ...], periods: tuple[int, ...], *, cold_only: bool = False
) -> dict[tuple[str, int], float]:
    """Units the depot's vehicles (or its working reefers) carry per period."""
    out: dict[tuple[str, int], float] = defaultdict(float)
    for v in vehicles:
        if v.cold_ok or not cold_only:
            for t in periods:
                out[v.depot_id, t] += v.capacity(t)
    return dict(out)


def _known_vehicle(offer: VehicleOffer, net: Network, notes: list[str]) -> bool:
    known = any(v.id == offer.vehicle_id for v in net.vehicles)
    if not known:
        notes.append(f"vehicle offer {offer.vehicle_id} is not in the network; ignored")
    return known


def _vehicle(offer: VehicleOffer, net: Network) -> VehicleData:
    spec = next(v for v in net.vehicles if v.id == offer.vehicle_id)
    return VehicleData(
        vehicle_id=offer.vehicle_id,
        depot_id=offer.depot_id,
        capacity_units=offer.capacity_units,
        free_now=max(0.0, offer.capacity_units - sum(offer.load.values())),
        speed_kmh=spec.speed_kmh,
        shift_hours=spec.shift_hours,
        refrigerated=offer.refrigerated or spec.refrigerated,
        cold_ok=(offer.refrigerated or spec.refrigerated) and offer.refrigeration_ok,
        available=offer.available,
    )


def reach(
    vehicles: tuple[VehicleData, ...],
    customers: Mapping[str, Customer],
    net: Network,
    departure_hour: float,
) -> tuple[tuple[Key2, ...], frozenset[Key2]]:
    """Warehouse-customer pairs some based vehicle can serve in one shift.

    A depot's vehicles mostly share a speed and shift, so each pair's trip
    is timed once per distinct (speed, shift) there, not once per vehicle.
    """
    arcs: list[Key2] = []
    cold: set[Key2] = set()
    for w in (w.id for w in net.warehouses):
        depot = net.location_of(w)
        kinds: dict[tuple[float, float], bool] = {}
        for v in vehicles:
            if v.depot_id == w:
                kinds[v.speed_kmh, v.shift_hours] = (
                    kinds.get((v.speed_kmh, v.shift_hours), False) or v.cold_ok
                )
        for c in customers.values():
            ok = [
                cold_ok
                for (speed, shift), cold_ok in kinds.items()
                if fits_shift(
                    trip(depot, [c], departure_hour=departure_hour, speed_kmh=speed),
                    departure_hour=departure_hour,
                    shift_hours=shift,
                )
            ]
            if ok:
                arcs.append((w, c.id))
            if any(ok):
                cold.add((w, c.id))
    return tuple(arcs), frozenset(cold)
