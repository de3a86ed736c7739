"""Fixtures for agent tests: the demo network and hand-built readings.

`Feed` stamps readings the way devices do: one sequence per device counting
up from 0, so a test only states what the reading says and when.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from supplysync.commands import Command, CommandBody
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import READING_ADAPTER, Reading
from supplysync.scenario import Scenario

T0 = datetime(2026, 3, 2, tzinfo=UTC)
"""Midnight of the demo scenario's first day (a Monday)."""


class Feed:
    """Builds validated readings for one asset with per-device sequence numbers."""

    def __init__(self, asset_id: str) -> None:
        self.asset_id = asset_id
        self.seq: dict[str, int] = defaultdict(int)

    def __call__(self, kind: str, device_id: str, ts: datetime, **fields: Any) -> Reading:
        seq = fields.pop("seq", None)
        if seq is None:
            seq = self.seq[device_id]
        self.seq[device_id] = seq + 1
        return READING_ADAPTER.validate_python(
            {
                "kind": kind,
                "device_id": device_id,
                "asset_id": self.asset_id,
                "seq": seq,
                "ts": ts,
                **fields,
            }
        )


def at(hours: float) -> datetime:
    """`hours` after the demo start."""
    return T0 + timedelta(hours=hours)


def command(
    asset_id: str,
    kind: str,
    body: CommandBody,
    window: PlanningWindow | None = None,
    issued_at: datetime = T0,
) -> Command:
    """One asset's part of a plan, with a daily window starting at the demo start."""
    return Command(
        command_id=f"cmd-{asset_id}",
        plan_id="plan-1",
        asset_id=asset_id,
        asset_kind=kind,
        issued_at=issued_at,
        window=window or PlanningWindow(start=T0, period_hours=24, periods=3),
        body=body,
    )


@pytest.fixture(scope="session")
def network(demo_scenario: Scenario) -> Network:
    """The demo network, shared because it is immutable."""
    return demo_scenario.network


@pytest.fixture
def window() -> PlanningWindow:
    """Three daily periods from the demo start."""
    return PlanningWindow(start=T0, period_hours=24, periods=3)
