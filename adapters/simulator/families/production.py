"""Plants and machines: who makes what, and how fast.

Plant `n` stands beside warehouse `n`, its dock (`Plant.output_warehouse_id`).
Machines are dealt round the plants; each made product goes to at least
two machines (more when machines outnumber products, so a machine makes
about 1.5 of them), the least busy ones and in different plants when that
costs no more than one product of load, so a worn or failed machine leaves
another that can make it. Rates follow
`machine_tightness`: a machine that makes its share of the network's
demand for each of its products uses that share of its hours after a few
setups a day, so 0.6 leaves 40 % slack and 0.95 almost none.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from adapters.simulator.families.geography import around
from supplysync.network import Location, Machine, Plant

HOURS_PER_DAY = 16.0
"""Two shifts."""
PER_MACHINE = 1.5
"""Products a machine makes on average, when there are enough to go round."""
SETUPS_PER_DAY = 3
"""A planner campaigns products: at most this many changeovers a day."""
BESIDE_KM = 3.0


@dataclass(frozen=True)
class Dock:
    """A warehouse a plant may stand beside."""

    id: str
    region: str
    location: Location


def build_plants(rng: random.Random, docks: Sequence[Dock]) -> list[Plant]:
    """One plant beside each dock."""
    return [
        Plant(
            id=f"PL-{n}",
            name=f"Plant {n} ({d.region})",
            location=around(rng, d.location, BESIDE_KM),
            region=d.region,
            output_warehouse_id=d.id,
        )
        for n, d in enumerate(docks, start=1)
    ]


def build_machines(
    rng: random.Random,
    plants: Sequence[Plant],
    count: int,
    made: Sequence[str],
    demand: Mapping[str, float],
    *,
    tightness: float,
) -> list[Machine]:
    """`count` machines over `plants`, each making at least one of `made`."""
    if not count:
        return []
    where = [plants[j % len(plants)].id for j in range(count)]
    makes: list[list[str]] = [[] for _ in range(count)]
    makers = min(count, max(2, round(PER_MACHINE * count / len(made))))
    for p in made:
        for _ in range(makers):
            j = min(
                (j for j in range(count) if p not in makes[j]),
                key=lambda j: (len(makes[j]) + any(p in makes[i] for i in _same(where, j)), j),
            )
            makes[j].append(p)
    for j in range(count):
        if not makes[j]:
            makes[j].append(max(made, key=lambda p: demand[p] / _makers(makes, p)))
    out = []
    for j in range(count):
        setup = rng.choice((0.5, 1.0, 1.5))
        free = HOURS_PER_DAY - min(len(makes[j]), SETUPS_PER_DAY) * setup
        rates = {
            p: max(
                0.1, round(demand[p] / _makers(makes, p) * len(makes[j]) / (tightness * free), 1)
            )
            for p in sorted(makes[j], key=made.index)
        }
        out.append(
            Machine(
                id=f"M-{where[j].removeprefix('PL-')}-{j // len(plants) + 1}",
                name=f"Machine {j // len(plants) + 1} of {where[j]}",
                plant_id=where[j],
                rates=rates,
                setup_hours=setup,
                hours_per_day=HOURS_PER_DAY,
                initial_health=round(rng.uniform(0.6, 1.0), 2),
                wear_per_hour=round(rng.uniform(0.0012, 0.0025), 4),
                maintenance_hours=rng.choice((4.0, 6.0, 8.0)),
                repair_hours=rng.choice((36.0, 48.0, 60.0)),
            )
        )
    return out


def _makers(makes: list[list[str]], p: str) -> int:
    return sum(p in m for m in makes)


def _same(where: list[str], j: int) -> list[int]:
    return [i for i, plant in enumerate(where) if plant == where[j] and i != j]
