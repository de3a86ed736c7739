"""Operator overrides applied to a snapshot before it is planned.

Each override is a plain edit of what the planner may know, so the
optimizer needs no notion of operators: a machine taken out offers no hours,
a pinned product has quotes only from its pinned supplier, and a frozen route
travels in the snapshot's `fixed_routes`, which the optimizer keeps as a
route that must run (`optimizer.columns`). Overrides that name assets the
network does not have are ignored rather than failing a replan; the API
validates them when they are set.
"""

from __future__ import annotations

from collections.abc import Iterable

from supplysync.control import FreezeRoute, MachineOut, PinSupplier
from supplysync.offers import NetworkSnapshot

AnyOverride = FreezeRoute | MachineOut | PinSupplier


def apply_overrides(snapshot: NetworkSnapshot, overrides: Iterable[AnyOverride]) -> NetworkSnapshot:
    """The snapshot as the planner should see it with `overrides` in force."""
    overrides = list(overrides)
    if not overrides:
        return snapshot
    out = {o.machine_id for o in overrides if isinstance(o, MachineOut)}
    pins = {o.product_id: o.supplier_id for o in overrides if isinstance(o, PinSupplier)}
    frozen = {(o.vehicle_id, o.period): o for o in overrides if isinstance(o, FreezeRoute)}
    machines = [
        m.model_copy(
            update={"capacity_hours": [0.0] * len(m.capacity_hours), "maintenance_due_period": None}
        )
        if m.machine_id in out
        else m
        for m in snapshot.machines
    ]
    suppliers = [
        s.model_copy(
            update={
                "quotes": [
                    q
                    for q in s.quotes
                    if q.product_id not in pins or pins[q.product_id] == s.supplier_id
                ]
            }
        )
        for s in snapshot.suppliers
    ]
    kept = {(f.vehicle_id, f.period): f for f in snapshot.fixed_routes}
    kept.update(frozen)
    return snapshot.model_copy(
        update={
            "machines": machines,
            "suppliers": suppliers,
            "fixed_routes": [kept[k] for k in sorted(kept)],
        }
    )
