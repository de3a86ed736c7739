"""A plan put to the agents: an asset that rejects is withdrawn and the plan made once more.

One round of re-planning, not a loop until everyone agrees: the second
plan is reviewed too, and a command its asset still refuses is dropped
rather than sent, so a replan always ends and never dispatches what an
asset said it cannot do.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from optimizer import commands_for
from replan.agents import Agents
from supplysync.commands import AssignmentResponse, Command
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan

Remake = Callable[[NetworkSnapshot], Plan]
"""The same replan (plan id, causes, plan in force) made again from another snapshot."""


@dataclass(frozen=True)
class Agreement:
    """A negotiated plan and the commands that go out for it.

    Attributes:
        plan: the first plan if every asset accepted, else the re-plan.
        commands: the accepted commands, each of `plan`.
        responses: the agents' answers to the last review.
        withdrawn: the assets that rejected the first plan.
    """

    plan: Plan
    commands: list[Command]
    responses: list[AssignmentResponse]
    withdrawn: frozenset[str]


def negotiate(
    plan: Plan,
    snapshot: NetworkSnapshot,
    remake: Remake,
    agents: Agents,
    *,
    network: Network,
    now: datetime,
) -> Agreement:
    """Put `plan` to the agents; withdraw those that reject and plan once more."""
    commands = commands_for(plan, network, now)
    responses = agents.review(commands)
    rejected = frozenset(r.asset_id for r in responses if not r.accepted)
    if not rejected:
        return Agreement(plan, commands, responses, rejected)
    notes = [f"{r.asset_id} rejected: {r.reason}" for r in responses if not r.accepted]
    plan = remake(withdraw(snapshot, rejected))
    update: dict[str, Any] = {"notes": [*plan.notes, *notes]}
    if plan.how is not None:
        update["how"] = plan.how.model_copy(update={"withdrawn": sorted(rejected)})
    plan = plan.model_copy(update=update)
    commands = commands_for(plan, network, now)
    responses = agents.review(commands)
    refused = {r.asset_id for r in responses if not r.accepted}
    commands = [c for c in commands if c.asset_id not in refused]
    return Agreement(plan, commands, responses, rejected)


def withdraw(snapshot: NetworkSnapshot, assets: Set[str]) -> NetworkSnapshot:
    """The snapshot with the offers of `assets` taken back: nothing of theirs to plan with."""
    machines = [
        m.model_copy(update={"capacity_hours": [0.0] * len(m.capacity_hours)})
        if m.machine_id in assets
        else m
        for m in snapshot.machines
    ]
    suppliers = [
        s.model_copy(update={"quotes": []}) if s.supplier_id in assets else s
        for s in snapshot.suppliers
    ]
    warehouses = [
        w.model_copy(update={"free_units": 0.0}) if w.warehouse_id in assets else w
        for w in snapshot.warehouses
    ]
    vehicles = [v for v in snapshot.vehicles if v.vehicle_id not in assets]
    return snapshot.model_copy(
        update={
            "machines": machines,
            "suppliers": suppliers,
            "warehouses": warehouses,
            "vehicles": vehicles,
        }
    )
