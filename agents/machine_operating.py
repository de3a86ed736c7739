"""Where a machine stands between its runtime readings: one typed state, pure transitions.

The PLC's runtime readings move a machine between five states, each
holding only what the next transition reads:

- `Unheard`: no runtime reading yet.
- `Running`: running, with at least one running vibration sample since it
  last started.
- `Restarted`: running again, no running vibration sample yet. The first
  one may begin a new wear episode, when the restart follows maintenance
  or a repair, or a stop from vibration already at the warn level
  (`Restarted.serviced`).
- `Stopped`: stopped, and not a breakdown (idle for lack of work, off
  shift, in maintenance).
- `Down`: stopped when the accepted schedule wanted it working and it was
  already vibrating badly or predicted to fail; it stays down until it
  runs again.

`agents.machine_step` decides when a stop is a breakdown and raises the
alerts; the functions here only say what state comes next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from agents.machine_schedule import Schedule
from agents.memory import Memory
from agents.persist import IsoTime


class Unheard(Memory):
    """No runtime reading yet: whether the machine runs is not known."""

    kind: Literal["unheard"] = "unheard"


class Running(Memory):
    """Running, its wear followed from the running vibration samples."""

    kind: Literal["running"] = "running"


class Restarted(Memory):
    """Running again after a stop, before its first running vibration sample.

    Attributes:
        service_pending: the stop held planned maintenance or a repair.
        pre_stop_vib: the running vibration just before the stop; None when
            `service_pending` already decides, or none was taken.
    """

    kind: Literal["restarted"] = "restarted"
    service_pending: bool = False
    pre_stop_vib: float | None = None

    def serviced(self, warn_mm_s: float) -> bool:
        """Whether the first running sample may begin a new wear episode."""
        return self.service_pending or (
            self.pre_stop_vib is not None and self.pre_stop_vib >= warn_mm_s
        )


class Stopped(Memory):
    """Stopped, not a breakdown.

    Attributes:
        since: when it stopped; None when it was already stopped when first heard.
        pre_stop_vib: the running vibration just before the stop.
        service_pending: planned maintenance fell on the stop, or the restart
            before it followed a service that no running sample has yet taken in.
    """

    kind: Literal["stopped"] = "stopped"
    since: IsoTime | None = None
    pre_stop_vib: float | None = None
    service_pending: bool = False


class Down(Memory):
    """Broken down since `since` (the stop that turned out to be a breakdown)."""

    kind: Literal["down"] = "down"
    since: IsoTime


Operating = Annotated[Unheard | Running | Restarted | Stopped | Down, Field(discriminator="kind")]
"""A machine's operating state, dumped with its `kind`."""

UNHEARD = Unheard()
RUNNING = Running()


def restarted(service_pending: bool, pre_stop_vib: float | None) -> Restarted:
    """A restart; the vibration before the stop is kept only while it can still decide."""
    if service_pending:
        return Restarted(service_pending=True)
    return Restarted(pre_stop_vib=pre_stop_vib)


def start(state: Unheard | Stopped | Down, ts: datetime, schedule: Schedule | None) -> Restarted:
    """The state after a running reading at `ts` of a machine that was not running.

    A repair is a service; so is planned maintenance that began during the
    stop (night maintenance starts while the machine is already idle).
    """
    if isinstance(state, Down):
        return restarted(True, None)
    if isinstance(state, Unheard):
        return restarted(False, None)
    began = (
        schedule is not None
        and state.since is not None
        and schedule.maintenance_began(state.since, ts)
    )
    return restarted(state.service_pending or began, state.pre_stop_vib)


def stop(
    state: Operating, ts: datetime, last_running_vib: float | None, schedule: Schedule | None
) -> Stopped | Down:
    """The state after a stopped reading at `ts`; a stop already seen stays as it was.

    A machine that was running stops now, remembering its last running
    vibration; planned maintenance at `ts` makes the stop a service.
    """
    if isinstance(state, Stopped | Down):
        return state
    if isinstance(state, Unheard):
        return Stopped()
    pending = isinstance(state, Restarted) and state.service_pending
    if schedule is not None and schedule.maintenance_at(ts):
        pending = True
    return Stopped(since=ts, pre_stop_vib=last_running_vib, service_pending=pending)


def break_down(state: Stopped, ts: datetime) -> Down:
    """A stop found to be a breakdown at `ts`: down since it stopped (or `ts`, when unknown)."""
    return Down(since=state.since or ts)
