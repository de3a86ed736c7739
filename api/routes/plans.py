"""Plans: the current one, the history, the diff between any two, what caused each, and when
its production happens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict

from adapters.store import EventStore
from api.context import Context
from api.deps import ContextDep, RangeDep, StoreDep, ViewerUser, network_of
from replan.whatif import compare
from supplysync.control import OperatorRequest
from supplysync.events import Alert
from supplysync.plan import Plan, PlanDiff, PlanSummary
from supplysync.timetable import Timetable, timetable

router = APIRouter(prefix="/plans", tags=["plans"])

PlanId = Annotated[str, Path(min_length=1, max_length=256)]


class PlanDetail(BaseModel):
    """A plan with what caused it: the stored alerts, and the operators' requests (who and why)."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    causes: list[Alert]
    requests: list[OperatorRequest] = []


REQUEST_LOOKBACK = timedelta(days=2)
"""How far before a plan the operator requests among its causes are looked for."""


def detail(store: EventStore, context: Context, plan: Plan) -> PlanDetail:
    """`plan` with its causes: alerts by id, operator requests from the days before it."""
    run_id = context.settings.run_id
    asked = set(plan.causes)
    requests = [
        r
        for r in store.requests(
            plan.created_at - REQUEST_LOOKBACK,
            plan.created_at + timedelta(minutes=1),
            run_id=run_id,
        )
        if r.request_id in asked
    ]
    return PlanDetail(
        plan=plan, causes=store.causes_of(plan.plan_id, run_id=run_id), requests=requests
    )


def current_plan(store: EventStore, context: Context) -> Plan | None:
    """The newest plan of the run, by the time it was made."""
    return store.latest_plan(run_id=context.settings.run_id)


def _plan(store: EventStore, context: Context, plan_id: str) -> Plan:
    plan = store.plan(plan_id, run_id=context.settings.run_id)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no plan {plan_id!r}")
    return plan


@router.get("", response_model=list[PlanSummary])
def list_plans(
    _: ViewerUser, context: ContextDep, store: StoreDep, span: RangeDep
) -> list[PlanSummary]:
    """Plans created in `[since, until)`, oldest first."""
    return store.plan_summaries(since=span.since, until=span.until, run_id=context.settings.run_id)


@router.get("/current", response_model=PlanDetail)
def get_current(_: ViewerUser, context: ContextDep, store: StoreDep) -> PlanDetail:
    """The plan in force and its causes; 404 before the first plan."""
    plan = current_plan(store, context)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no plan yet")
    return detail(store, context, plan)


@router.get("/diff", response_model=PlanDiff)
def diff(
    _: ViewerUser,
    context: ContextDep,
    store: StoreDep,
    base: Annotated[str, Query(alias="from", min_length=1, max_length=256)],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=256)],
) -> PlanDiff:
    """What plan `to` changes relative to plan `from`, where their windows overlap."""
    return compare(_plan(store, context, base), _plan(store, context, target))


@router.get("/{plan_id}", response_model=PlanDetail)
def get_plan(plan_id: PlanId, _: ViewerUser, context: ContextDep, store: StoreDep) -> PlanDetail:
    """A plan and what caused it."""
    return detail(store, context, _plan(store, context, plan_id))


@router.get("/{plan_id}/timetable", response_model=Timetable)
def get_timetable(
    plan_id: PlanId, _: ViewerUser, context: ContextDep, store: StoreDep
) -> Timetable:
    """When the plan's runs, their setups and its maintenance happen, as clock times.

    Timed on the machines of the latest network the planner saw (their
    rates, setups and shifts); 409 before any network is known.
    """
    plan = _plan(store, context, plan_id)
    network = network_of(store, context)
    if network is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "no network known yet to time the plan on")
    return timetable(plan, network.machines)
