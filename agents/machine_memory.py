"""What a machine agent remembers: one frozen record, replaced at every step.

Snapshot format 4 is this record's JSON dump (`MachineAgent.snapshot_format`).
Stores still hold two older formats: `upgrade_format_3` reads format 3,
which spelt the operating state as six fields of flags, and
`upgrade_format_2` turns the attribute-named format 2 into format 3.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from pydantic import Field

from agents.health import WearTrend, Zone
from agents.machine_operating import UNHEARD, Down, Operating, Restarted, Running, Unheard
from agents.machine_schedule import Schedule
from agents.machine_trend import TrendMemory
from agents.memory import Memory
from agents.persist import IsoTime


class MachineMemory(Memory):
    """The live readings, the health estimate, the alarms' latches and the operating state.

    Attributes:
        health: the estimate (0..1) from the mean of the recent running samples.
        health_at: when `health` last took in a running sample; None while it
            is still the spec's initial health.
        recent: the latest running vibration samples the estimate averages.
        hours, vibration, temperature, pressure: the latest readings.
        last_running_vib: the latest vibration taken while running.
        zone_alerted: the worst zone alerted since vibration last cleared.
        temp_alerted: whether the hot-bearing alarm is latched.
        operating: running, stopped, down, ... as the runtime readings tell
            (`agents.machine_operating`).
        current_product: the product of the latest non-zero output count.
        made: units counted per product.
        schedule: the accepted schedule, None before the first commitment.
        trend: the degradation episode and its prediction.
    """

    health: float
    health_at: IsoTime | None = None
    recent: tuple[float, ...] = ()
    hours: float | None = None
    vibration: float | None = None
    last_running_vib: float | None = None
    temperature: float | None = None
    pressure: float | None = None
    zone_alerted: Zone = Zone.GOOD
    temp_alerted: bool = False
    operating: Operating = UNHEARD
    current_product: str | None = None
    made: dict[str, float] = Field(default_factory=dict)
    schedule: Schedule | None = None
    trend: TrendMemory = TrendMemory()

    @property
    def running(self) -> bool | None:
        """Whether the machine runs; None before its first runtime reading."""
        if isinstance(self.operating, Running | Restarted):
            return True
        return None if isinstance(self.operating, Unheard) else False

    @property
    def down_since(self) -> datetime | None:
        """When the current breakdown began; None while not down."""
        return self.operating.since if isinstance(self.operating, Down) else None


_FORMAT_2_PLAIN = (
    "health",
    "running",
    "hours",
    "vibration",
    "last_running_vib",
    "temperature",
    "pressure",
    "temp_alerted",
    "pre_stop_vib",
    "restarted",
    "service_pending",
    "current_product",
)
"""Fields format 2 wrote under the agent's attribute names (a leading underscore)."""


def upgrade_format_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2's agent state as format 3's (`MachineMemory` JSON).

    Format 2 named twelve fields after the agent's private attributes
    (`_health`) and wrote the wear fit as a list in `WearTrend`'s field
    order; the rest (samples, times, schedule, counts) is spelt alike.
    """
    upgraded = {k: v for k, v in data.items() if not k.startswith("_")}
    upgraded.update({name: data[f"_{name}"] for name in _FORMAT_2_PLAIN})
    trend = dict(data["trend"])
    if trend["trend"] is not None:
        names = [field.name for field in fields(WearTrend)]
        trend["trend"] = dict(zip(names, trend["trend"], strict=True))
    upgraded["trend"] = trend
    return upgraded


_FORMAT_3_FLAGS = (
    "running",
    "stopped_since",
    "pre_stop_vib",
    "restarted",
    "service_pending",
    "down_since",
)
"""The fields format 3 spelt the operating state in."""


def upgrade_format_3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3's memory as format 4's: its flags as the operating state they combine to.

    A flag the state it stood in never read is dropped: while running, the
    time and vibration of the last stop; while stopped, whether the run
    before ever took a sample; while down or restarted after a repair, the
    whole stop before.
    """
    upgraded = {k: v for k, v in data.items() if k not in _FORMAT_3_FLAGS}
    running, pending = data["running"], data["service_pending"]
    operating: dict[str, Any]
    if running is None:
        operating = {"kind": "unheard"}
    elif running and data["restarted"]:
        pre_stop_vib = None if pending else data["pre_stop_vib"]
        operating = {"kind": "restarted", "service_pending": pending, "pre_stop_vib": pre_stop_vib}
    elif running:
        operating = {"kind": "running"}
    elif data["down_since"] is not None:
        operating = {"kind": "down", "since": data["down_since"]}
    else:
        operating = {
            "kind": "stopped",
            "since": data["stopped_since"],
            "pre_stop_vib": data["pre_stop_vib"],
            "service_pending": pending,
        }
    upgraded["operating"] = operating
    return upgraded
