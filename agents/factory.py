"""Build the right agent for an asset id.

`cluster/` calls this for every asset it hosts, so every placement builds
agents the same way.
"""

from __future__ import annotations

from agents.base import Agent
from agents.machine import MachineAgent
from agents.settings import AgentSettings
from agents.supplier import SupplierAgent
from agents.vehicle import VehicleAgent
from agents.warehouse import WarehouseAgent
from supplysync.network import Network

AGENT_CLASSES: dict[str, type[MachineAgent | SupplierAgent | VehicleAgent | WarehouseAgent]] = {
    "machine": MachineAgent,
    "supplier": SupplierAgent,
    "vehicle": VehicleAgent,
    "warehouse": WarehouseAgent,
}


def build_agent(asset_id: str, network: Network, settings: AgentSettings | None = None) -> Agent:
    """The agent of `asset_id`, of the kind the network gives it.

    Raises:
        KeyError: the network has no supplier, machine, warehouse or vehicle
            with this id.
    """
    kind = network.asset_kinds().get(asset_id)
    if kind is None:
        raise KeyError(
            f"unknown asset id {asset_id!r}: not a supplier, machine, warehouse or vehicle "
            "of this network"
        )
    return AGENT_CLASSES[kind](asset_id, network, settings)
