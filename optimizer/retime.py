"""Routes of a folded plan re-timed from their vehicles' own depots.

A folded plan routes each zone's deliveries from the zone's home warehouse
(`optimizer.route_after`), but each vehicle leaves from and returns to its
own depot, up to the zone's radius away. Re-driving every route from there
(`optimizer.geometry.trip`, the same timing every route gets) makes the
dispatched times, distances and durations the ones the vehicle will drive;
the stops and drops stay as planned. A route that no longer keeps a window
or the shift is sent as re-timed, for its vehicle's review to refuse, and
counted in the plan's notes.
"""

from __future__ import annotations

from collections.abc import Callable

from optimizer.geometry import fits_shift, trip
from supplysync.network import Network
from supplysync.plan import Plan, Route, Stop


def retimed(plan: Plan, network: Network, departure: Callable[[int], float]) -> Plan:
    """`plan` with every route not under way re-driven from its depot, leaving at
    `departure(period)` hours after the period's start."""
    customers = {c.id: c for c in network.customers}
    depots = {w.id: w.location for w in network.warehouses}
    vehicles = {v.id: v for v in network.vehicles}
    routes: list[Route] = []
    late = 0
    for r in plan.routes:
        if r.frozen or not r.stops:
            routes.append(r)
            continue
        v, leaves = vehicles[r.vehicle_id], departure(r.period)
        t = trip(
            depots[r.depot_id],
            [customers[s.site_id] for s in r.stops],
            departure_hour=leaves,
            speed_kmh=v.speed_kmh,
        )
        late += not fits_shift(t, departure_hour=leaves, shift_hours=v.shift_hours)
        stops = [
            Stop(
                site_id=s.site_id,
                arrive_h=round(t.arrive[k], 3),
                depart_h=round(t.depart[k], 3),
                drop=s.drop,
                order_ids=s.order_ids,
            )
            for k, s in enumerate(r.stops)
        ]
        routes.append(
            r.model_copy(
                update={
                    "stops": stops,
                    "distance_km": round(t.km, 2),
                    "departs_h": round(leaves, 3),
                    "duration_h": round(t.back - leaves, 3),
                }
            )
        )
    note = f"routes re-timed from their vehicles' own depots; {late} no longer fit"
    return plan.model_copy(update={"routes": routes, "notes": [*plan.notes, note]})
