"""What one replan sends out, and what it was made from."""

from __future__ import annotations

from dataclasses import dataclass

from supplysync.commands import AssignmentResponse, Command
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan


@dataclass(frozen=True)
class Dispatch:
    """The outcome of one replan: the plan, what agents said, what goes out.

    `snapshot` is what the agents offered, before the turn's `shape` and any
    withdrawal: the raw material a what-if starts from, to which the
    overrides in force can be applied again (`replan.overrides`).
    """

    plan: Plan
    commands: list[Command]
    responses: list[AssignmentResponse]
    latency_s: float
    snapshot: NetworkSnapshot | None = None
