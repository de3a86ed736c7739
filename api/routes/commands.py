"""`/api/commands`: every asset's command under a plan and its status (viewers and up)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api.commands import CommandPublic, command_states
from api.deps import ContextDep, StoreDep, ViewerUser

router = APIRouter(prefix="/commands", tags=["commands"])


@router.get("", response_model=list[CommandPublic])
def list_commands(
    _: ViewerUser,
    context: ContextDep,
    store: StoreDep,
    plan_id: Annotated[
        str | None, Query(max_length=200, description="a plan; default: the plan in force")
    ] = None,
) -> list[CommandPublic]:
    """The plan's commands, one per asset, each sent, received, done, rejected or timed out."""
    settings = context.settings
    if plan_id is None:
        plan = store.latest_plan(run_id=settings.run_id)
        if plan is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no plan yet")
        plan_id = plan.plan_id
    return command_states(
        store,
        plan_id,
        run_id=settings.run_id,
        now=context.clock.now(),
        timeout=timedelta(seconds=settings.command_timeout_s),
    )
