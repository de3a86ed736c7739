"""The live loop's health, as a record: what only that process can see.

Queue depths (messages received but not yet recorded, commands awaiting
their device's final answer, alerts waiting for the coordinator) live in
the memory of `supplysync run`. The API (`supplysync serve`) is another
process and shares nothing with it but the event store, so the loop writes
a `LoopStatus` there every few seconds and `/metrics` reports the latest
one, with its age: a status that stops getting younger means the loop is
stuck or gone, which a gauge of frozen depths alone would hide.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from supplysync.clock import Pace
from supplysync.network import Frozen


class LoopStatus(Frozen):
    """The live loop's queues and counters at one instant.

    Attributes:
        taken_at: when the figures were read (the record's key).
        readings_total: readings recorded since the loop started.
        ingest_pending_messages: MQTT messages received but not yet
            recorded (queued for a group commit, or in the one being written),
            so not acknowledged either.
        unacked_messages: of those, the QoS 1 ones the broker is holding
            against its in-flight window; None when the ingest cannot tell.
        commands_pending: commands dispatched whose device has not yet
            answered done or rejected (timed-out ones included: a late
            answer may still come, and a growing count is the symptom).
        alerts_queued: alerts recorded and waiting for the coordinator's
            next turn.
        replan_running: whether a coordinator turn is under way (deciding,
            replanning, recording the plan and sending its commands).
        host_failures: agent-host calls that failed since the loop started.
        pace: the network clock's pace the loop follows (None: the wall
            clock); `supplysync serve` follows it from here, sharing
            nothing else with the loop.
    """

    taken_at: AwareDatetime
    readings_total: int = Field(ge=0)
    ingest_pending_messages: int = Field(ge=0)
    unacked_messages: int | None = Field(default=None, ge=0)
    commands_pending: int = Field(ge=0)
    alerts_queued: int = Field(ge=0)
    replan_running: bool
    host_failures: int = Field(ge=0)
    pace: Pace | None = None
