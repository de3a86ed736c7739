"""Builders shared by the simulator tests: products, places, scenarios, commands.

Times in the tests are written as hours after `START` (a Monday, 00:00 UTC)
with `at(h)`; hour `h` of the simulation is `at(h)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from supplysync.commands import Command, CommandBody
from supplysync.network import (
    Location,
    Network,
    Product,
)
from supplysync.planning import PlanningWindow
from supplysync.scenario import Disruption, Scenario, SimulationSettings

START = datetime(2026, 3, 2, tzinfo=UTC)
DUISBURG = Location(lat=51.430, lon=6.775)
ESSEN = Location(lat=51.456, lon=7.012)
KREFELD = Location(lat=51.339, lon=6.586)

GEAR = Product(id="GEAR", name="Gear", unit_value=10, holding_cost_per_day=0.1, shortage_penalty=50)
COG = Product(id="COG", name="Cog", unit_value=5, holding_cost_per_day=0.05, shortage_penalty=20)
SERUM = Product(
    id="SERUM",
    name="Chilled serum",
    unit_value=90,
    holding_cost_per_day=0.2,
    shortage_penalty=250,
    temp_min_c=2,
    temp_max_c=8,
    max_excursion_hours=1.0,
)


def at(h: float) -> datetime:
    """The instant `h` hours after START."""
    return START + timedelta(hours=h)


def scenario(
    network: Network,
    disruptions: Sequence[Disruption] = (),
    *,
    days: int = 2,
    demand_cv: float = 0.0,
    order_lead_days: int = 1,
    seed: int = 1,
) -> Scenario:
    """A scenario around `network`: 15-minute steps from START, no demand noise by default."""
    return Scenario(
        name="test",
        simulation=SimulationSettings(
            start=START,
            days=days,
            step_minutes=15,
            seed=seed,
            demand_cv=demand_cv,
            order_lead_days=order_lead_days,
        ),
        network=network,
        disruptions=list(disruptions),
    )


def command(
    asset_id: str, body: CommandBody, *, start: datetime = START, periods: int = 3
) -> Command:
    """A command for one asset, with a daily planning window starting at `start`."""
    kinds: dict[str, Any] = {
        "produce": "machine",
        "supply": "supplier",
        "transfer": "warehouse",
        "route": "vehicle",
    }
    return Command(
        command_id=f"cmd-{asset_id}-{start.isoformat()}",
        plan_id="plan-test",
        asset_id=asset_id,
        asset_kind=kinds[body.kind],
        issued_at=start,
        window=PlanningWindow(start=start, period_hours=24, periods=periods),
        body=body,
    )
