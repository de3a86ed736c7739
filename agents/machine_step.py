"""How one reading changes what a machine agent remembers, as a pure function.

Vibration taken while the machine runs is paired with its hour meter to
follow wear (agents.health, agents.machine_trend). Runtime readings move
the machine's operating state (agents.machine_operating): a restart after
maintenance or a repair starts a new wear episode at the first running
sample below the warn level. A stop is only a breakdown when the accepted
schedule says the machine should be working and it was already vibrating
badly or predicted to fail: a machine idle for lack of work is not down.

`step` takes no clock and changes nothing in place, so a memory and the
readings after it determine the agent (what snapshot plus replay relies on),
and its invariants can be checked on generated readings alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agents.alerts import AlertMaker
from agents.health import Zone, estimate_health, vibration_zone
from agents.machine_alerts import bearing_alert, down_alert, restored_alert, zone_alert
from agents.machine_memory import MachineMemory
from agents.machine_operating import (
    RUNNING,
    Down,
    Restarted,
    Running,
    Stopped,
    break_down,
    start,
    stop,
)
from agents.machine_trend import TrendMemory, observe
from agents.settings import AgentSettings
from supplysync.events import Alert
from supplysync.network import Machine
from supplysync.readings import (
    OutputReading,
    PressureReading,
    Reading,
    RuntimeReading,
    TemperatureReading,
    VibrationReading,
)


@dataclass(frozen=True, slots=True)
class MachineSetup:
    """What a step reads and never changes: the tunables, the machine, who alerts."""

    settings: AgentSettings
    spec: Machine
    alert: AlertMaker


def step(
    memory: MachineMemory, reading: Reading, setup: MachineSetup
) -> tuple[MachineMemory, list[Alert]]:
    """The memory after `reading` (admitted: new, of this machine) and the alerts it raises."""
    if isinstance(reading, VibrationReading):
        return _vibration(memory, reading, setup)
    if isinstance(reading, RuntimeReading):
        return _runtime(memory, reading, setup)
    if isinstance(reading, TemperatureReading):
        return _temperature(memory, reading, setup)
    if isinstance(reading, PressureReading):
        return memory.replace(pressure=reading.kpa), []
    if isinstance(reading, OutputReading) and reading.product_id in setup.spec.rates:
        product, made = reading.product_id, memory.made
        made = {**made, product: made.get(product, 0.0) + reading.units}
        if reading.units > 0:
            return memory.replace(made=made, current_product=product), []
        return memory.replace(made=made), []
    return memory, []


def _vibration(
    m: MachineMemory, r: VibrationReading, setup: MachineSetup
) -> tuple[MachineMemory, list[Alert]]:
    s, v, operating = setup.settings, r.mm_s_rms, m.operating
    running = isinstance(operating, Running | Restarted)
    if not running or m.hours is None or v < s.vibration_idle_mm_s:
        return m.replace(vibration=v), []
    trend, recent, zone_alerted = m.trend, m.recent, m.zone_alerted
    warn = s.vibration_warn_mm_s
    if isinstance(operating, Restarted) and operating.serviced(warn) and v < warn:
        trend, recent, zone_alerted = TrendMemory(), (), Zone.GOOD  # a new wear episode
    recent = (*recent, v)[-s.health_samples :]
    health = estimate_health(sum(recent) / len(recent), s.wear_baseline_mm_s, s.wear_gain_mm_s)
    alerts: list[Alert] = []
    zone = vibration_zone(v, s.vibration_warn_mm_s, s.vibration_danger_mm_s)
    if zone > zone_alerted:
        zone_alerted = zone
        alerts.append(zone_alert(setup.alert, r, zone, s))
    elif v < s.vibration_warn_mm_s * s.vibration_clear_fraction:
        zone_alerted = Zone.GOOD
    trend, predicted = observe(
        trend, m.hours, r, s=s, hours_per_day=setup.spec.hours_per_day, make_alert=setup.alert
    )
    if predicted is not None:
        alerts.append(predicted)
    memory = m.replace(
        vibration=v,
        operating=RUNNING,
        last_running_vib=v,
        recent=recent,
        health=health,
        health_at=r.ts,
        trend=trend,
        zone_alerted=zone_alerted,
    )
    return memory, alerts


def _temperature(
    m: MachineMemory, r: TemperatureReading, setup: MachineSetup
) -> tuple[MachineMemory, list[Alert]]:
    s, latched = setup.settings, m.temp_alerted
    alerts: list[Alert] = []
    if r.celsius > s.bearing_temp_max_c and not latched:
        latched = True
        alerts.append(bearing_alert(setup.alert, r, s.bearing_temp_max_c))
    elif r.celsius < s.bearing_temp_clear_c:
        latched = False
    return m.replace(temperature=r.celsius, temp_alerted=latched), alerts


def _runtime(
    m: MachineMemory, r: RuntimeReading, setup: MachineSetup
) -> tuple[MachineMemory, list[Alert]]:
    operating = m.operating
    if r.running:
        if isinstance(operating, Running | Restarted):
            return m.replace(hours=r.hours), []  # running on: only the meter moves
        alerts: list[Alert] = []
        if isinstance(operating, Down):
            alerts.append(restored_alert(setup.alert, r, operating.since))
        return m.replace(hours=r.hours, operating=start(operating, r.ts, m.schedule)), alerts
    after = stop(operating, r.ts, m.last_running_vib, m.schedule)
    if isinstance(after, Stopped) and _should_run(m, r.ts, setup) and _at_risk(m, setup.settings):
        down = break_down(after, r.ts)
        alert = down_alert(setup.alert, r, down.since, setup.spec, m.last_running_vib or 0.0)
        return m.replace(hours=r.hours, operating=down), [alert]
    return m.replace(hours=r.hours, operating=after), []


def _should_run(m: MachineMemory, ts: datetime, setup: MachineSetup) -> bool:
    s = setup.settings
    return m.schedule is not None and m.schedule.should_run(
        ts,
        shift_start_hour=s.shift_start_hour,
        hours_per_day=setup.spec.hours_per_day,
        grace=timedelta(minutes=s.down_grace_minutes),
    )


def _at_risk(m: MachineMemory, s: AgentSettings) -> bool:
    last = m.last_running_vib
    return (last is not None and last >= s.vibration_warn_mm_s) or m.trend.predicted_at is not None
