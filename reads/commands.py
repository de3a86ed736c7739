"""Where each command of a plan stands, from the store: sent, received, done, rejected, timed out.

`supplysync serve` shares only the store with `run`, whose dispatcher keeps
command statuses in memory. The store holds every command and every answer
a device gave, so the API folds them with the dispatcher's own rule
(`adapters.mqtt.tracking.CommandTracker`): answers in the order they were
stamped, a command with no answer at all `command_timeout_s` after it was
issued timed out, a later answer still counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from adapters.mqtt.tracking import CommandTracker, Outcome
from adapters.store import EventStore
from supplysync.commands import Command


class CommandPublic(BaseModel):
    """One asset's command under a plan (`plan_id`) and where it stands.

    `outcome` is `pending` until the device answers (`sent`, on the page).
    """

    model_config = ConfigDict(frozen=True)

    command_id: str
    plan_id: str
    asset_id: str
    asset_kind: str
    issued_at: datetime
    outcome: Outcome
    updated_at: datetime
    reason: str


def command_states(
    store: EventStore,
    commands: Sequence[Command],
    *,
    run_id: str,
    now: datetime,
    timeout: timedelta,
) -> list[CommandPublic]:
    """Each of `commands`, in their order, with its outcome at `now` (the network's clock)."""
    tracker = CommandTracker(timeout=timeout)
    answers = []
    for command in commands:
        tracker.sent(command, command.issued_at)
        answers += store.acks(command.command_id, run_id=run_id)
    for ack in sorted(answers, key=lambda a: a.ts):
        tracker.expire(ack.ts)
        tracker.observe(ack, ack.ts)
    tracker.expire(now)
    out = []
    for command in commands:
        status = tracker.status(command.command_id)
        assert status is not None  # tracked above
        out.append(
            CommandPublic(
                command_id=command.command_id,
                plan_id=command.plan_id,
                asset_id=command.asset_id,
                asset_kind=command.asset_kind,
                issued_at=command.issued_at,
                outcome=status.outcome,
                updated_at=status.updated_at,
                reason=status.reason,
            )
        )
    return out
