"""What-if: the plan a hypothetical event would give, never dispatched.

The facade the API calls (the API does not reach into `optimizer/`): take
the latest network snapshot the planner saw, edit it as the hypothesis
says, apply the overrides in force as the live loop would, plan it cold
with the MILP and compare the result with the plan in force. Nothing is
stored or sent: the caller gets a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import Field

from optimizer.diff import diff_plans
from optimizer.milp import plan_milp
from replan.overrides import AnyOverride, apply_overrides
from supplysync.network import Frozen, Id
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanDiff
from supplysync.scenario import PlanningSettings


class MachineDown(Frozen):
    """A machine offers no hours for the whole window."""

    kind: Literal["machine_down"] = "machine_down"
    machine_id: Id


class DemandChange(Frozen):
    """Demand scaled by `factor` (1.3 is +30 %), narrowed by customer, region, product."""

    kind: Literal["demand_change"] = "demand_change"
    factor: Annotated[float, Field(ge=0, le=20)]
    customer_id: Id | None = None
    region: Annotated[str, Field(max_length=64)] | None = None
    product_id: Id | None = None


class SupplierDelay(Frozen):
    """A supplier's goods on the road arrive `periods` later; it quotes `quantity_factor` of
    its usual quantity."""

    kind: Literal["supplier_delay"] = "supplier_delay"
    supplier_id: Id
    periods: Annotated[int, Field(ge=0, le=30)] = 1
    quantity_factor: Annotated[float, Field(ge=0, le=1)] = 1.0


Hypothesis = Annotated[MachineDown | DemandChange | SupplierDelay, Field(discriminator="kind")]


def apply_hypothesis(
    snapshot: NetworkSnapshot, event: MachineDown | DemandChange | SupplierDelay
) -> NetworkSnapshot:
    """The snapshot as it would be after `event`.

    Raises:
        ValueError: the event names an asset, customer, region or product the
            snapshot does not have.
    """
    if isinstance(event, MachineDown):
        if event.machine_id not in {m.machine_id for m in snapshot.machines}:
            raise ValueError(f"unknown machine {event.machine_id!r}")
        machines = [
            m.model_copy(
                update={
                    "capacity_hours": [0.0] * len(m.capacity_hours),
                    "down": True,
                    "maintenance_due_period": None,
                }
            )
            if m.machine_id == event.machine_id
            else m
            for m in snapshot.machines
        ]
        return snapshot.model_copy(update={"machines": machines})
    if isinstance(event, DemandChange):
        return _scale_demand(snapshot, event)
    if event.supplier_id not in {s.supplier_id for s in snapshot.suppliers}:
        raise ValueError(f"unknown supplier {event.supplier_id!r}")
    suppliers = [
        s.model_copy(
            update={
                "inbound": [
                    x.model_copy(update={"arrival_period": x.arrival_period + event.periods})
                    for x in s.inbound
                ],
                "quotes": [
                    q.model_copy(
                        update={
                            "quantity_per_period": q.quantity_per_period * event.quantity_factor
                        }
                    )
                    for q in s.quotes
                ],
            }
        )
        if s.supplier_id == event.supplier_id
        else s
        for s in snapshot.suppliers
    ]
    return snapshot.model_copy(update={"suppliers": suppliers})


def _scale_demand(snapshot: NetworkSnapshot, event: DemandChange) -> NetworkSnapshot:
    net = snapshot.network
    customers = {c.id for c in net.customers}
    regions = {c.id: c.region for c in net.customers}
    if event.customer_id is not None and event.customer_id not in customers:
        raise ValueError(f"unknown customer {event.customer_id!r}")
    if event.region is not None and event.region not in regions.values():
        raise ValueError(f"unknown region {event.region!r}")
    if event.product_id is not None and event.product_id not in {p.id for p in net.products}:
        raise ValueError(f"unknown product {event.product_id!r}")

    def hit(customer_id: str, product_id: str) -> bool:
        return (
            event.customer_id in (None, customer_id)
            and event.region in (None, regions.get(customer_id))
            and event.product_id in (None, product_id)
        )

    demand = [
        d.model_copy(update={"quantity": d.quantity * event.factor})
        if hit(d.customer_id, d.product_id)
        else d
        for d in snapshot.demand
    ]
    return snapshot.model_copy(update={"demand": demand})


def what_if(
    snapshot: NetworkSnapshot,
    event: MachineDown | DemandChange | SupplierDelay,
    overrides: Iterable[AnyOverride],
    settings: PlanningSettings,
    *,
    current: Plan | None,
    plan_id: str,
) -> Plan:
    """The plan `event` would give, its diff taken against `current`; nothing is dispatched.

    Raises:
        ValueError: the event names something the snapshot does not have.
    """
    edited = apply_overrides(apply_hypothesis(snapshot, event), overrides)
    plan = plan_milp(edited, settings, plan_id=plan_id, policy="what-if", previous=current)
    return plan.model_copy(update={"diff": diff_plans(current, plan)})


def compare(previous: Plan | None, new: Plan) -> PlanDiff:
    """What `new` changes relative to `previous` (the API's way to the optimizer's diff)."""
    return diff_plans(previous, new)
