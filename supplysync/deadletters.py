"""Dead letters: input the system refused, kept whole with the reason.

Three places refuse input. The MQTT ingest refuses a payload that is not a
valid message on a valid topic (its raw bytes are kept exactly as they
arrived, even when they are not UTF-8); an agent host refuses a reading its
agent could not fold in (the reading's JSON is kept); the store refuses a
stored record that no longer loads (`adapters.store.unreadable`). Either way
nothing else happens to the input: no agent sees it, and it is recorded for
an operator.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal, get_args

from pydantic import AwareDatetime, ConfigDict, Field, ValidationError

from supplysync.network import Frozen
from supplysync.readings import Reading

Source = Literal["mqtt", "agent", "store"]

_MAX_ERRORS = 5
_KINDS = frozenset(str(m.model_fields["kind"].default) for m in get_args(get_args(Reading)[0]))


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


def validation_reason(exc: ValidationError) -> str:
    """`field.path: message` per error, without pydantic's union tags in the path.

    Tags (`gateway`, `reading`, a reading kind) say which branch pydantic
    tried; the operator wants the field: `readings.3.celsius`, not
    `gateway.readings.3.temperature.celsius`.
    """
    errors = exc.errors(include_url=False, include_input=False)
    parts = []
    for error in errors[:_MAX_ERRORS]:
        loc = [str(p) for p in error["loc"]]
        if loc[:1] in (["gateway"], ["reading"]):
            loc = loc[1:]
        if loc[:1] and loc[0] in _KINDS:
            loc = loc[1:]
        loc = [p for i, p in enumerate(loc) if not (i and loc[i - 1].isdigit() and p in _KINDS)]
        parts.append(f"{'.'.join(loc) or 'payload'}: {error['msg']}")
    more = len(errors) - _MAX_ERRORS
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")
