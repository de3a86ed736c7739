"""Which warehouse may serve which customer: some vehicle of its own fits the trip in a shift."""

from __future__ import annotations

import random

from benchmarks.networks import SIZES, generate_network
from optimizer.fleet import VehicleData, reach
from optimizer.geometry import fits_shift, trip


def _fleet(depots: list[str], seed: int) -> tuple[VehicleData, ...]:
    """Mixed vehicles per depot: speeds, shifts and working reefers vary."""
    rng = random.Random(seed)
    return tuple(
        VehicleData(
            vehicle_id=f"V{k}",
            depot_id=depots[k % len(depots)],
            capacity_units=100.0,
            free_now=100.0,
            speed_kmh=rng.choice((15.0, 40.0, 80.0)),
            shift_hours=rng.choice((3.0, 8.0)),
            refrigerated=True,
            cold_ok=rng.random() < 0.4,
            available=True,
        )
        for k in range(3 * len(depots))
    )


def test_reach_is_any_of_the_depots_own_vehicles_and_cold_only_by_a_working_reefer() -> None:
    net = generate_network(SIZES["S"])
    vehicles = _fleet([w.id for w in net.warehouses], seed=3)
    customers = {c.id: c for c in net.customers}
    arcs, cold = reach(vehicles, customers, net, departure_hour=7.0)

    want_arcs: set[tuple[str, str]] = set()
    want_cold: set[tuple[str, str]] = set()
    for w in net.warehouses:
        depot = net.location_of(w.id)
        for c in net.customers:
            for v in vehicles:
                fits = v.depot_id == w.id and fits_shift(
                    trip(depot, [c], departure_hour=7.0, speed_kmh=v.speed_kmh),
                    departure_hour=7.0,
                    shift_hours=v.shift_hours,
                )
                if fits:
                    want_arcs.add((w.id, c.id))
                    if v.cold_ok:
                        want_cold.add((w.id, c.id))
    assert set(arcs) == want_arcs
    assert len(arcs) == len(want_arcs)  # each pair once
    assert cold == want_cold
    pairs = len(net.warehouses) * len(net.customers)
    assert 0 < len(want_cold) < len(want_arcs) < pairs  # the fleet's mix decides some pairs
