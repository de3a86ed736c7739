"""Cut a plan into the command each asset must carry out.

Every machine, supplier, warehouse and vehicle of the network gets exactly
one command, even an empty one: a command replaces the asset's schedule from
the window's start, so silence would leave an outdated schedule running.
Command ids are derived from plan and asset ids, so dispatching the same
plan twice yields the same commands (receivers can deduplicate).
"""

from __future__ import annotations

from datetime import datetime

from supplysync.commands import (
    Command,
    CommandBody,
    ProduceOrder,
    RouteOrder,
    SupplyOrder,
    TransferOrder,
)
from supplysync.events import AssetKind
from supplysync.network import Network
from supplysync.plan import Plan


def command_id(plan_id: str, asset_id: str) -> str:
    """The deterministic id of an asset's command under a plan."""
    return f"{plan_id}:{asset_id}"


def commands_for(plan: Plan, network: Network, issued_at: datetime) -> list[Command]:
    """One command per asset of the network (machines, suppliers, warehouses, vehicles)."""
    bodies: list[tuple[str, AssetKind, CommandBody]] = []
    for m in network.machines:
        runs = [r for r in plan.production if r.machine_id == m.id]
        upkeep = [w for w in plan.maintenance if w.machine_id == m.id]
        bodies.append((m.id, "machine", ProduceOrder(runs=runs, maintenance=upkeep)))
    for s in network.suppliers:
        orders = [po for po in plan.purchases if po.supplier_id == s.id]
        bodies.append((s.id, "supplier", SupplyOrder(orders=orders)))
    for w in network.warehouses:
        moves = [t for t in plan.transfers if w.id in (t.origin_id, t.destination_id)]
        bodies.append((w.id, "warehouse", TransferOrder(transfers=moves)))
    for v in network.vehicles:
        routes = [r for r in plan.routes if r.vehicle_id == v.id and not r.frozen]
        bodies.append((v.id, "vehicle", RouteOrder(routes=routes)))
    return [
        Command(
            command_id=command_id(plan.plan_id, asset_id),
            plan_id=plan.plan_id,
            asset_id=asset_id,
            asset_kind=kind,
            issued_at=issued_at,
            window=plan.window,
            body=body,
        )
        for asset_id, kind, body in bodies
    ]
