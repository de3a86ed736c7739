"""What became of each dispatched command: pure bookkeeping, time passed in.

A command is `pending` from the moment it is published until its device
answers on `.../ack`: `received` (the device has it), then `done` or
`rejected`. A command still `pending` when its timeout passes is
`timed_out`; the timeout covers only the first answer, because carrying a
command out (a route, a production run) takes hours, while confirming
receipt takes a round trip. An answer arriving after the timeout still wins:
the device's word is the truth, the timeout only a suspicion. An answer never
moves a command backwards (a `received` redelivered after `done`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from supplysync.commands import Command, CommandAck


class Outcome(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    DONE = "done"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"


_RANK = {
    Outcome.PENDING: 0,
    Outcome.TIMED_OUT: 1,
    Outcome.RECEIVED: 2,
    Outcome.DONE: 3,
    Outcome.REJECTED: 3,
}


@dataclass(frozen=True)
class CommandStatus:
    """Where one command stands."""

    command_id: str
    asset_id: str
    outcome: Outcome
    sent_at: datetime
    deadline: datetime
    updated_at: datetime
    reason: str = ""


class CommandTracker:
    """Every dispatched command's status.

    Args:
        timeout: how long a command may go without any answer.
    """

    def __init__(self, *, timeout: timedelta = timedelta(seconds=30)) -> None:
        if timeout <= timedelta(0):
            raise ValueError(f"Expected a positive timeout, got {timeout}.")
        self._timeout = timeout
        self._status: dict[str, CommandStatus] = {}

    def sent(self, command: Command, now: datetime) -> CommandStatus:
        """Start tracking `command`, published at `now` (again: restarts its clock)."""
        status = CommandStatus(
            command.command_id, command.asset_id, Outcome.PENDING, now, now + self._timeout, now
        )
        self._status[command.command_id] = status
        return status

    def observe(self, ack: CommandAck, now: datetime) -> CommandStatus | None:
        """Fold in a device's answer; None for a command we never sent (or another asset's)."""
        status = self._status.get(ack.command_id)
        if status is None or status.asset_id != ack.asset_id:
            return None
        outcome = Outcome(ack.status)
        if _RANK[outcome] <= _RANK[status.outcome]:
            return status
        status = replace(status, outcome=outcome, updated_at=now, reason=ack.reason)
        self._status[ack.command_id] = status
        return status

    def expire(self, now: datetime) -> list[CommandStatus]:
        """Mark commands still unanswered at their deadline as timed out; those changed."""
        expired = [
            replace(s, outcome=Outcome.TIMED_OUT, updated_at=now)
            for s in self._status.values()
            if s.outcome is Outcome.PENDING and s.deadline <= now
        ]
        for status in expired:
            self._status[status.command_id] = status
        return expired

    def status(self, command_id: str) -> CommandStatus | None:
        return self._status.get(command_id)

    def unfinished(self) -> int:
        """Commands not yet answered done or rejected (pending, received or timed out)."""
        return sum(1 for s in self._status.values() if _RANK[s.outcome] < _RANK[Outcome.DONE])
