"""Dead letters: input the system refused, kept whole with the reason.

Two places refuse input. The MQTT ingest refuses a payload that is not a
valid message on a valid topic (its raw bytes are kept exactly as they
arrived, even when they are not UTF-8); an agent host refuses a reading its
agent could not fold in (the reading's JSON is kept). Either way nothing else
happens to the input: no agent sees it, and it is recorded for an operator.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from supplysync.network import Frozen
from supplysync.readings import Reading

Source = Literal["mqtt", "agent"]


class DeadLetter(Frozen):
    """One refused input.

    Attributes:
        letter_id: the idempotency key (`letter_id_of`): the same refusal
            recorded twice is stored once.
        source: where it was refused.
        topic: the MQTT topic it came on ("" for agent refusals).
        asset_id: the asset it was for, when that could be told.
        raw: the input exactly as received; JSON carries it as base64.
        reason: why it was refused, for a human.
        at: when it was refused.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64"
    )

    letter_id: str = Field(min_length=1, max_length=200)
    source: Source
    topic: str = Field(default="", max_length=65_535)
    asset_id: str | None = None
    raw: bytes
    reason: str = Field(max_length=10_000)
    at: AwareDatetime


def letter_id_of(source: Source, topic: str, raw: bytes, at: datetime, n: int = 0) -> str:
    """A key that tells refusals apart by what was refused, when, and a sequence `n`.

    `n` separates identical payloads refused at the same instant (a flood of
    one malformed message), which are distinct deliveries, not duplicates.
    """
    digest = hashlib.sha256(topic.encode() + b"\x00" + raw).hexdigest()[:20]
    return f"{source}:{at.isoformat()}:{digest}:{n}"


def agent_letter(reading: Reading, reason: str, at: datetime) -> DeadLetter:
    """The dead letter of a reading an agent (or the directory) could not take."""
    raw = reading.model_dump_json().encode()
    key = f"agent:{reading.device_id}:{reading.seq}:{at.isoformat()}"
    return DeadLetter(
        letter_id=key, source="agent", asset_id=reading.asset_id, raw=raw, reason=reason, at=at
    )
