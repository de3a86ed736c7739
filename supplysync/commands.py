"""Commands: a plan cut into the part each asset must carry out.

An asset's command replaces its schedule from the plan window's start on;
work already under way (a production run started, a vehicle on its route,
goods shipped) is not recalled. Before dispatch, each agent reviews its part
and accepts or rejects it with a reason.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from supplysync.events import AssetKind
from supplysync.network import Frozen, Id
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import PurchaseOrder, Route, Transfer
from supplysync.planning import PlanningWindow


class ProduceOrder(Frozen):
    kind: Literal["produce"] = "produce"
    runs: list[ProductionRun] = Field(default_factory=list)
    maintenance: list[MaintenanceWindow] = Field(default_factory=list)


class SupplyOrder(Frozen):
    kind: Literal["supply"] = "supply"
    orders: list[PurchaseOrder] = Field(default_factory=list)


class TransferOrder(Frozen):
    """Sent to the origin warehouse; also tells it what to stage for routes."""

    kind: Literal["transfer"] = "transfer"
    transfers: list[Transfer] = Field(default_factory=list)


class RouteOrder(Frozen):
    kind: Literal["route"] = "route"
    routes: list[Route] = Field(default_factory=list)


CommandBody = Annotated[
    ProduceOrder | SupplyOrder | TransferOrder | RouteOrder, Field(discriminator="kind")
]


class Command(Frozen):
    """One asset's part of an accepted plan."""

    command_id: str
    plan_id: str
    asset_id: Id
    asset_kind: AssetKind
    issued_at: AwareDatetime
    window: PlanningWindow
    body: CommandBody


class AssignmentResponse(Frozen):
    """An agent's answer to its part of a proposed plan."""

    asset_id: Id
    plan_id: str
    accepted: bool
    reason: str = ""


class CommandAck(Frozen):
    """A device's answer to a dispatched command, published on its `.../ack` topic.

    `received` says the device has the command; `done` that it carried it
    out; `rejected` that it cannot, with the reason. The dispatcher tracks a
    command until one of these arrives or its timeout passes.
    """

    v: Literal[1] = 1
    command_id: str = Field(min_length=1, max_length=128)
    asset_id: Id
    ts: AwareDatetime
    status: Literal["received", "done", "rejected"]
    reason: str = Field(default="", max_length=1000)
