"""The contract every agent kind fulfils (`agents.factory.build_agent` builds one).

`cluster/` hosts agents behind this protocol only, so the per-asset and the
sharded placements run exactly the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from agents.states import View
from supplysync.commands import AssignmentResponse, Command
from supplysync.events import Alert, AssetKind
from supplysync.offers import MachineOffer, SupplierOffer, VehicleOffer, WarehouseOffer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.snapshots import ReadingPosition

Offer = MachineOffer | SupplierOffer | WarehouseOffer | VehicleOffer


class Agent(Protocol):
    """One asset's live state and behaviour."""

    asset_id: str
    kind: AssetKind

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        """Fold a batch of this asset's readings into its state; return new alerts.

        Duplicates (a `(device_id, seq)` already seen) are ignored; a gap in a
        device's sequence raises a SEQUENCE_GAP alert.
        """
        ...

    def tick(self, now: datetime) -> list[Alert]:
        """Time-driven checks with no reading to prompt them (sensor silent)."""
        ...

    def offer(self, window: PlanningWindow, now: datetime) -> Offer:
        """What this asset can give and needs over `window`."""
        ...

    def review(self, command: Command) -> AssignmentResponse:
        """Accept or reject this asset's part of a proposed plan, with a reason."""
        ...

    def commit(self, command: Command) -> None:
        """Record an accepted, dispatched command as this asset's commitment."""
        ...

    def state(self) -> View:
        """The live state for the API and tests (`agents.states.state_json` makes it JSON)."""
        ...

    def position(self) -> ReadingPosition:
        """The readings folded in so far: what a snapshot taken now covers."""
        ...

    def snapshot(self) -> dict[str, Any]:
        """The whole mutable state as JSON, for `restore` on a freshly built agent."""
        ...

    def restore(self, state: dict[str, Any]) -> None:
        """Take back a `snapshot`; ValueError if it is not one this agent can read."""
        ...
