"""Random networks across the families: knobs drawn from a stated space, to judge generality.

The suite is what the planner was judged on while it was built; a sample is
networks nobody has looked at. `sample(count, seed)` draws, per scenario, a
family, a seed and 3 to 7 of the knobs in `SPACE` with values inside it,
and keeps the first draw the generator accepts (it refuses combinations
that make no sensible network, such as more plants than warehouses; those
are drawn again). `SPACE` spans moderate networks: the knobs' full ranges
reach 120 customers and 40 machines, whose runs take minutes each. A draw
is a family, a seed and `--set` overrides, so `scenario generate` with the
same arguments rebuilds the file.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from adapters.simulator.families.catalog import FAMILIES, family_named
from adapters.simulator.families.generate import generate
from adapters.simulator.families.knobs import DISRUPTION_KINDS, KnobError

SLOW_FAMILIES = frozenset({"large"})
"""Left out unless asked for: one run of a `large` network takes minutes."""
KNOBS_PER_DRAW = (3, 7)
DRAWS_PER_SCENARIO = 50
SEEDS = 1_000_000


@dataclass(frozen=True)
class Span:
    """Values from `low` to `high`, uniform; `digits` decimals (0: whole numbers)."""

    low: float
    high: float
    digits: int = 2

    def draw(self, rng: random.Random) -> str:
        if self.digits == 0:
            return str(rng.randint(int(self.low), int(self.high)))
        return str(round(rng.uniform(self.low, self.high), self.digits))


def _kinds(rng: random.Random) -> str:
    return ",".join(rng.choice(DISRUPTION_KINDS) for _ in range(rng.randint(1, 4)))


def _timing(rng: random.Random) -> str:
    return rng.choice(("early", "mid", "late", "spread"))


SPACE: Mapping[str, Span | Callable[[random.Random], str]] = {
    "suppliers": Span(1, 6, 0),
    "warehouses": Span(2, 6, 0),
    "customers": Span(4, 40, 0),
    "regions": Span(1, 5, 0),
    "vehicles": Span(3, 12, 0),
    "products": Span(2, 8, 0),
    "spread_km": Span(20, 1200, 0),
    "speed_kmh": Span(30, 90, 0),
    "shift_hours": Span(6, 13, 1),
    "narrow_window_share": Span(0, 1),
    "lead_max_days": Span(1, 5, 0),
    "multi_source_share": Span(0, 1),
    "machine_tightness": Span(0.3, 0.97),
    "supplier_tightness": Span(0.2, 0.97),
    "warehouse_tightness": Span(0.3, 0.97),
    "fleet_tightness": Span(0.3, 0.97),
    "reefer_tightness": Span(0.3, 0.97),
    "demand_level": Span(2, 200, 1),
    "demand_cv": Span(0.05, 0.5),
    "initial_days": Span(0, 6, 1),
    "order_days": Span(1, 7, 1),
    "cold_hours_out": Span(0, 6, 0),
    "horizon_periods": Span(1, 6, 0),
    "severity": Span(0.25, 3),
    "disruptions": _kinds,
    "timing": _timing,
}


@dataclass(frozen=True)
class Draw:
    """One sampled scenario: `scenario generate --family F --seed S --set k=v ...`."""

    family: str
    seed: int
    overrides: Mapping[str, str]


def sample(count: int, seed: int, families: Sequence[str] | None = None) -> list[Draw]:
    """`count` scenarios the generator accepts, the same for the same arguments.

    Raises:
        FamilyError: a name in `families` is not a family.
        ValueError: `count` is below 1, or no draw of some scenario was accepted.
    """
    if count < 1:
        raise ValueError(f"Expected count >= 1, got {count}.")
    names = list(families) if families else [f for f in FAMILIES if f not in SLOW_FAMILIES]
    for name in names:
        family_named(name)
    rng = random.Random(seed)
    return [_accepted(rng, names) for _ in range(count)]


def _accepted(rng: random.Random, families: Sequence[str]) -> Draw:
    for _ in range(DRAWS_PER_SCENARIO):
        draw = _draw(rng, families)
        try:
            generate(draw.family, draw.seed, draw.overrides)
        except KnobError:
            continue
        return draw
    raise ValueError(f"no accepted draw in {DRAWS_PER_SCENARIO} tries")


def _draw(rng: random.Random, families: Sequence[str]) -> Draw:
    family = rng.choice(families)
    keys = rng.sample(sorted(SPACE), rng.randint(*KNOBS_PER_DRAW))
    overrides = {}
    for key in keys:
        space = SPACE[key]
        overrides[key] = space.draw(rng) if isinstance(space, Span) else space(rng)
    if "lead_max_days" in overrides:
        overrides["lead_min_days"] = str(rng.randint(1, int(overrides["lead_max_days"])))
    return Draw(family, rng.randrange(SEEDS), overrides)
