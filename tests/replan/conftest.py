"""The demo's world at its start, shared by the turn's property tests.

Real in-process agents and the demo's first orders; the planner is the
reorder-point rule, which plans in a blink, so a property can afford a
turn per example.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from adapters.simulator import Simulator
from optimizer import plan_reorder_point
from replan import TurnSettings
from runtime.directory import InlineDirectory
from supplysync.commands import AssignmentResponse, Command
from supplysync.offers import (
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.orders import CustomerOrder
from supplysync.plan import Plan
from supplysync.planning import PlanningWindow
from supplysync.scenario import PlanningSettings, Scenario


@dataclass(frozen=True)
class World:
    """Agents, orders and settings of the demo at its start."""

    agents: InlineDirectory
    orders: list[CustomerOrder]
    settings: TurnSettings

    @property
    def start(self) -> datetime:
        return self.settings.origin


@pytest.fixture(scope="module")
def world(demo_scenario: Scenario) -> Iterator[World]:
    sim = Simulator(demo_scenario)
    agents = InlineDirectory.start(demo_scenario.network)
    settings = TurnSettings(
        network=demo_scenario.network,
        planning=demo_scenario.planning,
        origin=sim.now,
        run_end=sim.end,
        plan_prefix="prop",
    )
    yield World(agents, list(sim.advance(sim.now).orders), settings)
    agents.close()


def rule(
    snapshot: NetworkSnapshot,
    settings: PlanningSettings,
    plan_id: str,
    causes: Sequence[str],
    previous: Plan | None,
) -> Plan:
    """The reorder-point rule as a turn's planner."""
    return plan_reorder_point(snapshot, settings, plan_id=plan_id, causes=list(causes))


@dataclass
class Refusing:
    """Real agents behind a seam: `first` refuse the first review, `stubborn` every review.

    Commits are recorded here, not passed on, so the shared agents stay as
    they were for the next example.
    """

    agents: InlineDirectory
    first: frozenset[str] = frozenset()
    stubborn: frozenset[str] = frozenset()
    reviews: int = 0
    committed: list[Command] = field(default_factory=list)

    def offers(
        self, window: PlanningWindow, now: datetime
    ) -> Sequence[MachineOffer | SupplierOffer | WarehouseOffer | VehicleOffer]:
        return self.agents.offers(window, now)

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        refusing = self.stubborn | (self.first if self.reviews == 0 else frozenset())
        self.reviews += 1
        return [
            a.model_copy(update={"accepted": False, "reason": "under test"})
            if a.asset_id in refusing
            else a
            for a in self.agents.review(commands)
        ]

    def commit(self, commands: Sequence[Command]) -> None:
        self.committed.extend(commands)
