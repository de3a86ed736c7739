"""An agent's state at one moment, so a restarted agent need not replay all history.

A snapshot pairs the agent's own JSON state with the reading position it
covers: per device, the highest sequence number folded in. That is exactly
what the agent's duplicate rule keys on, so "the readings after a snapshot"
is well defined however readings interleaved across devices: a reading is
covered when its device is known and its seq is at most the device's.

JSON rather than pickle: a snapshot outlives the code that wrote it (a
restart may run a newer release), is read from a database others can write
(unpickling runs code), and should be readable by an operator. Each agent
kind states its own format version; a snapshot the running code cannot read
is ignored and the agent is rebuilt by replaying the whole log instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, ConfigDict, Field

from supplysync.events import AssetKind
from supplysync.network import Frozen, Id
from supplysync.readings import Reading


def log_order(reading: Reading) -> tuple[datetime, str, int]:
    """The sort key of the log: time, then device, then sequence number.

    Replay follows it, and a host that keeps snapshots hands every batch to
    its agents in it too, so that live and replayed agents see readings of
    the same instant (a machine's hour meter and its vibration) in the same
    order. A reading that arrives after a later one of another device is
    still seen live out of this order; replay then puts it in its place.
    """
    return reading.ts, reading.device_id, reading.seq


class ReadingPosition(Frozen):
    """How far into one asset's readings a snapshot reaches.

    Attributes:
        last_seq: per device, the highest sequence number folded in.
        since: the earliest timestamp a reading not yet covered can carry,
            given that a device's clock does not run backwards along its
            sequence (the latest reading time of the device seen longest ago);
            None when no device has reported, and replay starts at the
            beginning of the log.
    """

    last_seq: dict[Id, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    since: AwareDatetime | None = None

    def covers(self, reading: Reading) -> bool:
        """Whether `reading` is already folded into the snapshot."""
        seq = self.last_seq.get(reading.device_id)
        return seq is not None and reading.seq <= seq


class AgentSnapshot(Frozen):
    """One agent's state, written to the event store by its host.

    Attributes:
        asset_id: whose state this is.
        asset_kind: the agent kind that wrote `state`.
        generation: counts this asset's snapshots, 1 for the first; the
            latest snapshot is the one with the highest generation (wall or
            virtual time cannot order two snapshots taken at the same moment).
        taken_at: the host's clock when the snapshot was taken.
        position: the readings the state covers.
        state: the agent's own JSON (see its `snapshot()`); floats may be
            infinite (a wear trend with no end in sight), hence the JSON
            constants `Infinity` and `NaN` are kept rather than nulled.
    """

    model_config = ConfigDict(ser_json_inf_nan="constants")

    asset_id: Id
    asset_kind: AssetKind
    generation: Annotated[int, Field(ge=1)]
    taken_at: AwareDatetime
    position: ReadingPosition
    state: dict[str, Any]
