"""What a machine agent remembers: one frozen record, replaced at every step.

Snapshot format 3 is this record's JSON dump (`MachineAgent.snapshot_format`);
`upgrade_format_2` reads the attribute-named format 2 that stores written
before it still hold.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from pydantic import Field

from agents.health import WearTrend, Zone
from agents.machine_schedule import Schedule
from agents.machine_trend import TrendMemory
from agents.memory import Memory
from agents.persist import IsoTime


class MachineMemory(Memory):
    """The live readings, the health estimate, the alarms' latches and the stop episode.

    Attributes:
        health: the estimate (0..1) from the mean of the recent running samples.
        health_at: when `health` last took in a running sample; None while it
            is still the spec's initial health.
        recent: the latest running vibration samples the estimate averages.
        running, hours, vibration, temperature, pressure: the latest readings.
        last_running_vib: the latest vibration taken while running.
        zone_alerted: the worst zone alerted since vibration last cleared.
        temp_alerted: whether the hot-bearing alarm is latched.
        stopped_since: when the machine last stopped.
        pre_stop_vib: the running vibration just before that stop.
        restarted: the machine started again and no running sample has come yet.
        service_pending: the restart follows maintenance or a repair, so the
            next running sample below the warn level begins a new episode.
        down_since: when the current breakdown began; None while not down.
        current_product: the product of the latest non-zero output count.
        made: units counted per product.
        schedule: the accepted schedule, None before the first commitment.
        trend: the degradation episode and its prediction.
    """

    health: float
    health_at: IsoTime | None = None
    recent: tuple[float, ...] = ()
    running: bool | None = None
    hours: float | None = None
    vibration: float | None = None
    last_running_vib: float | None = None
    temperature: float | None = None
    pressure: float | None = None
    zone_alerted: Zone = Zone.GOOD
    temp_alerted: bool = False
    stopped_since: IsoTime | None = None
    pre_stop_vib: float | None = None
    restarted: bool = False
    service_pending: bool = False
    down_since: IsoTime | None = None
    current_product: str | None = None
    made: dict[str, float] = Field(default_factory=dict)
    schedule: Schedule | None = None
    trend: TrendMemory = TrendMemory()


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
