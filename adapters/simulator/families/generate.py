"""`generate`: a family, a seed and overrides in, a validated scenario out.

The same (family, seed, overrides) always give the same scenario: all
chance comes from `random.Random` streams seeded from the seed
(`build.Streams`), nothing reads the clock or the global random state.
The seed is also the simulator's seed, so a scenario's customer orders
are fixed by its file. The name is the family and seed, and the
overrides when there are any, so two scenarios of one seed that differ
by a knob are told apart in results.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from adapters.simulator.families.build import Streams, build_network
from adapters.simulator.families.catalog import family_named
from adapters.simulator.families.disruptions import build_disruptions
from adapters.simulator.families.knobs import resolve_knobs
from supplysync.scenario import PlanningSettings, Scenario, SimulationSettings

START = datetime(2026, 3, 2, tzinfo=UTC)
"""A Monday."""


def generate(family: str, seed: int, overrides: Mapping[str, str] | None = None) -> Scenario:
    """The scenario of `family` with `seed`, its knobs changed by `overrides`.

    Args:
        family: a name in `catalog.FAMILIES`.
        seed: draws the network, its demand and disruptions, and seeds the
            simulation.
        overrides: knob values as text, as `--set key=value` gives them.

    Raises:
        FamilyError: no such family.
        KnobError: an override names no knob or has a bad value.
    """
    overrides = dict(overrides or {})
    fam = family_named(family)
    knobs = resolve_knobs(fam.knobs, overrides)
    streams = Streams.from_seed(seed)
    planning = PlanningSettings(horizon_periods=knobs.horizon_periods)
    network = build_network(knobs, streams, planning)
    sets = ", ".join(f"{k}={v}" for k, v in overrides.items())
    return Scenario.model_validate(
        {
            "name": f"{family}-{seed}" + (f" ({sets})" if sets else ""),
            "description": f"{fam.summary.rstrip('.')} (family {family}, seed {seed})",
            "simulation": SimulationSettings(
                start=START, days=knobs.days, seed=seed, demand_cv=knobs.demand_cv
            ),
            "planning": planning,
            "network": network,
            "disruptions": build_disruptions(streams.disruptions, knobs, network),
        }
    )
