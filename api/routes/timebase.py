"""`/api/clock`: the network's time and the pace it runs at (viewers and up).

Every default window of the API ends at the network's "now", which runs
ahead of the wall while a simulated fleet plays faster than real time; the
page shows this time so that what it lists is not a puzzle.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api.deps import ContextDep, ViewerUser
from supplysync.clock import NetworkClock, Pace

router = APIRouter(tags=["clock"])


class ClockPublic(BaseModel):
    """The network's time now, the wall's, and the pace between them (None: the wall's)."""

    model_config = ConfigDict(frozen=True)

    now: datetime
    wall: datetime
    pace: Pace | None


@router.get("/clock", response_model=ClockPublic)
def clock(_: ViewerUser, context: ContextDep) -> ClockPublic:
    """The time every default window of the API ends at."""
    network = context.clock
    pace = network.pace if isinstance(network, NetworkClock) else None
    return ClockPublic(now=network.now(), wall=context.wall.now(), pace=pace)
