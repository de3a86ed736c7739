"""`/api/commands`: the most recent commands, of every plan or of one, with their status."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ContextDep, StoreDep, ViewerUser
from reads.commands import CommandPublic, command_states

router = APIRouter(prefix="/commands", tags=["commands"])


@router.get("", response_model=list[CommandPublic])
def list_commands(
    _: ViewerUser,
    context: ContextDep,
    store: StoreDep,
    plan_id: Annotated[
        str | None, Query(max_length=200, description="only this plan's; default: every plan's")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
) -> list[CommandPublic]:
    """The commands issued last, newest first, each naming its plan, with its status.

    Sent, received, done, rejected or timed out; an earlier plan's commands
    stay listed until newer ones push them past `limit`.
    """
    settings = context.settings
    commands = store.recent_commands(limit, plan_id=plan_id, run_id=settings.run_id)
    return command_states(
        store,
        commands,
        run_id=settings.run_id,
        now=context.clock.now(),
        timeout=timedelta(seconds=settings.command_timeout_s),
    )
