"""What a replanning turn needs of the agents, wherever they are placed.

A turn asks for offers, has the agents review their commands and commits
the accepted ones; `runtime.directory.Directory` provides all three over
Ray hosts or in this process, and tests provide them with plain objects.
Stated here, by structure, so the turn never imports the Ray package.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from supplysync.commands import AssignmentResponse, Command
from supplysync.offers import MachineOffer, SupplierOffer, VehicleOffer, WarehouseOffer
from supplysync.planning import PlanningWindow


class Agents(Protocol):
    """The agents as one turn sees them."""

    def offers(
        self, window: PlanningWindow, now: datetime
    ) -> Sequence[MachineOffer | SupplierOffer | WarehouseOffer | VehicleOffer]:
        """Every asset's offer for `window`, in the network's asset order."""
        ...

    def review(self, commands: Sequence[Command]) -> list[AssignmentResponse]:
        """Each command's asset accepts or rejects it; answers in command order."""
        ...

    def commit(self, commands: Sequence[Command]) -> None:
        """The dispatched commands, recorded by their assets as commitments."""
        ...
