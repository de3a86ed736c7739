"""The decision variables of a built planning model, as a typed record.

The builders (`optimizer.production`, `optimizer.replenishment`,
`optimizer.route_model`) name their components on one Pyomo model; this
record reads back, once and by name, what everything after the build reads:
the decisions, and the two route parameters the rounding and the repair
check. The strategies over the solver session (`optimizer.dive`,
`optimizer.rounding`, `optimizer.repair`) and the result mapping
(`optimizer.result`, `optimizer.chosen_routes`, `optimizer.bottleneck`)
take it, so that a renamed component fails in one place, at the build.
Pyomo ships no types: each field is an indexed component, typed `Any`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.environ as pyo


@dataclass(frozen=True)
class Decisions:
    """A built planning model and its indexed decision variables.

    Attributes:
        model: the Pyomo model (what the solver session loads; the
            builders' parameters are updated on it).
        make: units made, by (machine, product, period).
        setup: 0/1, a run set up, by (machine, product, period).
        maint: 0/1, due maintenance done, by (machine, period).
        buy: units ordered, by (quote index, warehouse, period).
        move: units transferred, by (from, to, product, period).
        ship: units delivered, by (warehouse, customer, product, period).
        short: units short, by demand line index.
        stock: units held, by (warehouse, product, period).
        use: 0/1, a candidate route run, by its index.
        carry: units a route drops, by (route, customer, product).
        crew_size: a crew's vehicles, by crew index (a mutable parameter).
        col_ok: 1 while a candidate route fits its day, by its index (a
            mutable parameter).
    """

    model: pyo.ConcreteModel
    make: Any
    setup: Any
    maint: Any
    buy: Any
    move: Any
    ship: Any
    short: Any
    stock: Any
    use: Any
    carry: Any
    crew_size: Any
    col_ok: Any

    @classmethod
    def of(cls, model: pyo.ConcreteModel) -> Decisions:
        """Read the record off a model the builders have built."""
        return cls(
            model=model,
            make=model.make,
            setup=model.setup,
            maint=model.maint,
            buy=model.buy,
            move=model.move,
            ship=model.ship,
            short=model.short,
            stock=model.stock,
            use=model.use,
            carry=model.carry,
            crew_size=model.crew_size,
            col_ok=model.col_ok,
        )

    def integers(self) -> list[Any]:
        """Every on/off decision: setups, maintenance, routes."""
        return [*self.setup.values(), *self.maint.values(), *self.use.values()]
