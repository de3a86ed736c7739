"""The delivery fleet: which warehouses run reefers, how many vehicles each, how big.

Reefers go first to the warehouses that bring the most cold-chain demand
within a reefer's reach (a greedy cover), so every cold customer has one;
then every warehouse gets at least one vehicle, and the rest are dealt in
proportion to the demand each serves (D'Hondt, so a depot with twice the
demand gets about twice the vehicles). Capacities follow the tightness
knobs: a depot's reefers together carry its cold demand over
`reefer_tightness`, all its vehicles its whole demand over
`fleet_tightness`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from adapters.simulator.families.customers import Draft
from adapters.simulator.families.service import Depots, Lines
from supplysync.network import Vehicle

MIN_CAPACITY = 40.0
"""No vehicle is smaller than a van."""


def reefer_cover(
    drafts: Sequence[Draft], depots: Depots, cold: frozenset[str], reefers: int
) -> tuple[list[str], list[Draft]]:
    """Reefer depots chosen greedily by cold demand newly reached; and who is left out.

    `depots.reefer_depots` should hold every warehouse (any may get a reefer).
    """
    weight = {d.id: sum(r for p, r in d.demand.items() if p in cold) for d in drafts}
    left = [d for d in drafts if weight[d.id] > 0]
    chosen: list[str] = []
    while left and len(chosen) < min(reefers, len(depots.locations)):
        gain = {
            w: sum(weight[d.id] for d in left if depots.can_serve(w, d, cold=True))
            for w in depots.locations
            if w not in chosen
        }
        best = max(gain, key=lambda w: gain[w])
        if gain[best] <= 0:
            break
        chosen.append(best)
        left = [d for d in left if not depots.can_serve(best, d, cold=True)]
    if left and not chosen:
        chosen.append(
            min(depots.locations, key=lambda w: depots.locations[w].km_to(left[0].location))
        )
    return chosen, left


def vehicle_counts(
    warehouses: Sequence[str],
    demand: Mapping[str, float],
    cold_demand: Mapping[str, float],
    reefer_depots: Sequence[str],
    *,
    vehicles: int,
    reefers: int,
) -> dict[str, tuple[int, int]]:
    """(reefers, box trucks) per warehouse; every warehouse gets at least one vehicle."""
    reefer = {w: int(w in reefer_depots) for w in warehouses}
    extra, boxes = reefers - len(reefer_depots), vehicles - reefers
    bare = sorted((w for w in warehouses if not reefer[w]), key=lambda w: -demand[w])
    while extra > 0 and len(bare) > boxes:
        reefer[bare.pop(0)] += 1
        extra -= 1
    has_cold = any(cold_demand.values())
    pool = [w for w in warehouses if reefer[w] or not has_cold]
    weight = cold_demand if has_cold else demand
    _dhondt(pool, extra, reefer, lambda w: weight[w] / (reefer[w] + 1))
    box = {w: 0 for w in warehouses}
    for w in bare[:boxes]:
        box[w] = 1
    _dhondt(
        list(warehouses),
        boxes - min(boxes, len(bare)),
        box,
        lambda w: demand[w] / (reefer[w] + box[w] + 1),
    )
    return {w: (reefer[w], box[w]) for w in warehouses}


def build_fleet(
    counts: Mapping[str, tuple[int, int]],
    lines: Lines,
    names: Mapping[str, str],
    products: Sequence[str],
    cold: frozenset[str],
    *,
    speed_kmh: float,
    shift_hours: float,
    fleet_tightness: float,
    reefer_tightness: float,
) -> list[Vehicle]:
    """The vehicles of each depot, sized to the demand it serves."""
    out: list[Vehicle] = []
    for w, (n_r, n_b) in counts.items():
        total = lines.total(w, products) / fleet_tightness
        cap_r = lines.total(w, sorted(cold)) / reefer_tightness / n_r if n_r else 0.0
        cap_b = max(0.0, total - n_r * cap_r) / n_b if n_b else 0.0
        if not n_b:
            cap_r = max(cap_r, total / n_r)
        for k in range(1, n_r + n_b + 1):
            cold_one = k <= n_r
            out.append(
                Vehicle(
                    id=f"V-{w.removeprefix('W-')}-{k}",
                    name=f"{names[w]} {'reefer' if cold_one else 'box truck'} {k}",
                    depot_id=w,
                    capacity_units=_size(cap_r if cold_one else cap_b),
                    speed_kmh=speed_kmh,
                    refrigerated=cold_one,
                    shift_hours=shift_hours,
                    cost_per_km=1.2 if cold_one else 1.0,
                    fuel_l_per_100km=30.0 if cold_one else 25.0,
                )
            )
    return out


def _dhondt(
    pool: list[str], seats: int, held: dict[str, int], quotient: Callable[[str], float]
) -> None:
    for _ in range(max(0, seats) if pool else 0):
        w = max(pool, key=quotient)
        held[w] += 1


def _size(units: float) -> float:
    return float(max(MIN_CAPACITY, 10 * math.ceil(units / 10)))
