"""What a generated network must offer every policy, checked with the planner's own rules.

The generator restates the reach rule (`adapters/simulator/families/reach.py`)
because the simulator may not import the optimizer; these checks use the
optimizer's `reach` and trip timing, so the two cannot drift apart unseen.
"""

from __future__ import annotations

from optimizer.fleet import VehicleData, reach
from optimizer.geometry import trip
from supplysync.scenario import Scenario


def _fleet(s: Scenario) -> tuple[VehicleData, ...]:
    return tuple(
        VehicleData(
            vehicle_id=v.id,
            depot_id=v.depot_id,
            capacity_units=v.capacity_units,
            free_now=v.capacity_units,
            speed_kmh=v.speed_kmh,
            shift_hours=v.shift_hours,
            refrigerated=v.refrigerated,
            cold_ok=v.refrigerated,
            available=True,
        )
        for v in s.network.vehicles
    )


def unserved_lines(s: Scenario) -> list[str]:
    """Demand lines some policy could not serve, each with the reason; empty when all can.

    A line needs a source (a machine that makes the product or a supplier
    that quotes it) and a warehouse whose vehicles reach the customer within
    its window and a shift; a cold-chain line needs a cold-storage warehouse
    whose reefer gets there within the product's hours out of storage.
    """
    net, dep = s.network, s.planning.departure_hour
    arcs, cold_arcs = reach(_fleet(s), {c.id: c for c in net.customers}, net, dep)
    made = {p for m in net.machines for p in m.rates}
    quoted = {q.product_id for sp in net.suppliers for q in sp.quotes}
    out = []
    for c in net.customers:
        for p in c.demand_per_day:
            product = net.product(p)
            if p not in made | quoted:
                out.append(f"{c.id} {p}: no machine makes it and no supplier quotes it")
            if not product.cold_chain:
                if not any(a[1] == c.id for a in arcs):
                    out.append(f"{c.id} {p}: no vehicle reaches it")
                continue
            limit = product.max_hours_out_of_storage
            ok = [
                w
                for w in net.warehouses
                if w.cold_storage
                and (w.id, c.id) in cold_arcs
                and (
                    limit is None
                    or trip(
                        w.location, [c], departure_hour=dep, speed_kmh=_reefer_speed(s, w.id)
                    ).arrive[0]
                    - dep
                    <= limit + 1e-9
                )
            ]
            if not ok:
                out.append(f"{c.id} {p}: no reefer at a cold warehouse gets there in time")
    return out


def _reefer_speed(s: Scenario, depot: str) -> float:
    return max(v.speed_kmh for v in s.network.vehicles if v.depot_id == depot and v.refrigerated)
