"""The base of the agents' typed memories: frozen records whose dump is the snapshot.

A kind keeps all it has learnt from readings and commitments in one frozen
model and replaces it at every step (`model_copy(update=...)`, which skips
validation on the hot path). A snapshot is then the model's JSON dump and a
restore its validation: no list of attribute names to keep in step with the
code, and a field added to the model is snapshotted without further work.
Infinite floats are kept as JSON constants (a wear trend with no end in
sight), as `supplysync.snapshots.AgentSnapshot` stores them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Memory(BaseModel):
    """Base of an agent kind's memory and of its parts."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")
