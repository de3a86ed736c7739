"""Steering: replan now and overrides (appended to the store as operator requests), what-if.

The live loop reads operator requests from the store on every turn
(`supplysync.control`), so a replan or an override is durable and
attributed the moment the API answers, whether the loop is up or not.
A what-if plans in a bounded worker pool (a solve takes seconds; a request
finding every worker busy is refused with 429 rather than queued) and is
returned, never stored or dispatched.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from adapters.store import EventStore, open_store
from api.context import Context
from api.deps import (
    AdminUser,
    ContextDep,
    OperatorUser,
    RangeDep,
    StoreDep,
    ViewerUser,
    network_of,
)
from api.routes.plans import current_plan
from replan.overrides import AnyOverride
from replan.whatif import Hypothesis, what_if
from supplysync.control import (
    FreezeRoute,
    MachineOut,
    OperatorRequest,
    Override,
    PinSupplier,
    active_overrides,
    override_key,
)
from supplysync.network import Network
from supplysync.plan import Plan

router = APIRouter(prefix="/control", tags=["control"])

_SEQUENCE = itertools.count()
_ALL_TIME = (datetime(1970, 1, 2, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
Comment = Annotated[str, Field(max_length=2000)]


class ReplanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Comment = ""


class OverrideCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    override: Override
    comment: Comment = ""


class OverridePublic(BaseModel):
    """An override in force, under the key that `DELETE` takes."""

    model_config = ConfigDict(frozen=True)

    key: str
    override: Override


class WhatIfCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: Hypothesis
    comment: Comment = ""


class WhatIfPublic(BaseModel):
    """The plan the event would give and its diff against the plan in force."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    based_on_plan_id: str | None
    snapshot_taken_at: datetime
    overrides: list[Override]


def _request(context: Context, me_name: str, action: str, **fields: object) -> OperatorRequest:
    """A request stamped now, its id ordered by a counter after the time.

    The store orders requests by time and then by id, and a set followed by a
    clear within one clock tick must keep its order, so ids of one process
    sort in the order they were made.
    """
    now = context.clock.now()
    return OperatorRequest.model_validate(
        {
            "request_id": f"api-{now:%Y%m%dT%H%M%S%f}-{next(_SEQUENCE):09d}-{uuid.uuid4().hex[:8]}",
            "action": action,
            "by": me_name,
            "at": now,
            **fields,
        }
    )


def _overrides(store: EventStore, context: Context) -> list[AnyOverride]:
    return active_overrides(store.requests(*_ALL_TIME, run_id=context.settings.run_id))


@router.post("/replan", response_model=OperatorRequest, status_code=status.HTTP_202_ACCEPTED)
def replan(
    body: ReplanCreate, me: OperatorUser, context: ContextDep, store: StoreDep
) -> OperatorRequest:
    """Ask the live loop to replan on its next turn."""
    request = _request(context, me.name, "replan", comment=body.comment)
    store.append([request], run_id=context.settings.run_id)
    return request


@router.get("/requests", response_model=list[OperatorRequest])
def list_requests(
    _: ViewerUser, context: ContextDep, store: StoreDep, span: RangeDep
) -> list[OperatorRequest]:
    """Operator requests accepted in `[since, until)`, oldest first."""
    return store.requests(span.since, span.until, run_id=context.settings.run_id)


@router.get("/overrides", response_model=list[OverridePublic])
def list_overrides(_: ViewerUser, context: ContextDep, store: StoreDep) -> list[OverridePublic]:
    """The overrides every later replan respects."""
    return [OverridePublic(key=override_key(o), override=o) for o in _overrides(store, context)]


@router.post("/overrides", response_model=OperatorRequest, status_code=status.HTTP_201_CREATED)
def set_override(
    body: OverrideCreate, me: AdminUser, context: ContextDep, store: StoreDep
) -> OperatorRequest:
    """Set an override (replacing one with the same key); 422 if it names unknown assets."""
    network = network_of(store, context)
    if network is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "no network known yet to check it against")
    problem = _unknown(body.override, network)
    if problem:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, problem)
    request = _request(context, me.name, "set", override=body.override, comment=body.comment)
    store.append([request], run_id=context.settings.run_id)
    return request


@router.delete("/overrides/{key}", response_model=OperatorRequest)
def clear_override(
    key: Annotated[str, Path(min_length=1, max_length=200)],
    me: AdminUser,
    context: ContextDep,
    store: StoreDep,
) -> OperatorRequest:
    """Clear the override in force under `key`."""
    live = {override_key(o): o for o in _overrides(store, context)}
    if key not in live:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no override {key!r} in force")
    request = _request(context, me.name, "clear", override=live[key])
    store.append([request], run_id=context.settings.run_id)
    return request


@router.post("/what-if", response_model=WhatIfPublic)
async def run_what_if(body: WhatIfCreate, _: OperatorUser, context: ContextDep) -> WhatIfPublic:
    """Plan the hypothetical event on the latest snapshot; nothing is stored or dispatched."""
    if not context.whatif_slots.acquire(blocking=False):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "every what-if worker is busy")
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(context.whatif_pool, _solve, context, body)
    finally:
        context.whatif_slots.release()


def _solve(context: Context, body: WhatIfCreate) -> WhatIfPublic:
    run_id = context.settings.run_id
    with open_store(context.store_url) as store:
        snapshot = store.latest_network(run_id=run_id)
        if snapshot is None:
            raise HTTPException(status.HTTP_409_CONFLICT, "no network snapshot to start from yet")
        overrides = _overrides(store, context)
        current = current_plan(store, context)
    settings = context.planning.model_copy(
        update={
            "time_limit_s": context.settings.whatif_time_limit_s,
            "period_hours": snapshot.window.period_hours,
            "horizon_periods": snapshot.window.periods,
        }
    )
    try:
        plan = what_if(
            snapshot,
            body.event,
            overrides,
            settings,
            current=current,
            plan_id=f"what-if-{uuid.uuid4().hex[:12]}",
        )
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return WhatIfPublic(
        plan=plan,
        based_on_plan_id=None if current is None else current.plan_id,
        snapshot_taken_at=snapshot.taken_at,
        overrides=overrides,
    )


def _unknown(override: FreezeRoute | MachineOut | PinSupplier, network: Network) -> str:
    """Why `override` does not fit `network`, or "" when it does."""
    machines = {m.id for m in network.machines}
    vehicles = {v.id for v in network.vehicles}
    sites = {w.id for w in network.warehouses} | {c.id for c in network.customers}
    if isinstance(override, MachineOut):
        return "" if override.machine_id in machines else f"unknown machine {override.machine_id}"
    if isinstance(override, FreezeRoute):
        if override.vehicle_id not in vehicles:
            return f"unknown vehicle {override.vehicle_id}"
        strangers = sorted(set(override.stops) - sites)
        return f"unknown stops {strangers}" if strangers else ""
    quotes = {(s.id, q.product_id) for s in network.suppliers for q in s.quotes}
    if (override.supplier_id, override.product_id) not in quotes:
        return f"supplier {override.supplier_id} does not quote {override.product_id}"
    return ""
