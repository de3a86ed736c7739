"""Scenario families: seeded generators of whole supply networks to run policies on.

The replanning loop is judged over many networks, not one demo. A family
(`catalog`) is a kind of real network (a city distributor, a national
one, a cold-chain wholesaler, ...) written as values of the knobs in
`knobs`; `generate(family, seed, overrides)` builds a scenario from them,
deterministically, with a network every policy can serve (every demanded
product has a source and a vehicle that reaches its customer) and the
disruptions the knobs ask for; `to_toml` writes it. Pure Python: the only
I/O is the caller writing the text.

Modules, one concept each: `knobs` (the validated parameters), `catalog`
(the families), `geography` (site placement), `reach` (which warehouse
can serve which customer), `products`, `customers`, `service` (who serves
whom), `fleet`, `supply`, `production`, `stocking` (reorder points and
capacities), `build` (the network), `disruptions`, `generate`, `toml`,
and `sample` (random draws of families and knobs, to judge generality).
"""

from adapters.simulator.families.catalog import FAMILIES, Family, FamilyError
from adapters.simulator.families.generate import generate
from adapters.simulator.families.knobs import (
    DISRUPTION_KINDS,
    KnobError,
    KnobInfo,
    Knobs,
    format_value,
    knob_table,
)
from adapters.simulator.families.sample import Draw, sample
from adapters.simulator.families.toml import to_toml

__all__ = [
    "DISRUPTION_KINDS",
    "FAMILIES",
    "Draw",
    "Family",
    "FamilyError",
    "KnobError",
    "KnobInfo",
    "Knobs",
    "format_value",
    "generate",
    "knob_table",
    "sample",
    "to_toml",
]
