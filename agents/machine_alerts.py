"""The alerts a machine raises, built from the reading that raised them."""

from __future__ import annotations

from datetime import datetime, timedelta

from agents.alerts import AlertMaker, reading_key
from agents.health import Zone
from agents.settings import AgentSettings
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Machine
from supplysync.readings import RuntimeReading, TemperatureReading, VibrationReading


def zone_alert(make: AlertMaker, r: VibrationReading, zone: Zone, s: AgentSettings) -> Alert:
    """THRESHOLD: running vibration entered the alarm or danger zone."""
    limit = s.vibration_danger_mm_s if zone is Zone.DANGER else s.vibration_warn_mm_s
    return make(
        AlertKind.THRESHOLD,
        Severity.CRITICAL if zone is Zone.DANGER else Severity.WARNING,
        r.ts,
        reading_key(r.device_id, r.seq),
        f"{make.asset_id} vibration {r.mm_s_rms:.2f} mm/s in {zone.name.lower()} zone "
        f"(limit {limit} mm/s)",
        data={"mm_s_rms": r.mm_s_rms, "limit_mm_s": limit, "zone": zone.name.lower()},
    )


def bearing_alert(make: AlertMaker, r: TemperatureReading, limit_c: float) -> Alert:
    """THRESHOLD: the bearing runs hot."""
    return make(
        AlertKind.THRESHOLD,
        Severity.WARNING,
        r.ts,
        reading_key(r.device_id, r.seq),
        f"{make.asset_id} bearing at {r.celsius:.1f} °C (limit {limit_c} °C)",
        data={"celsius": r.celsius, "limit_c": limit_c},
    )


def down_alert(
    make: AlertMaker, r: RuntimeReading, since: datetime, spec: Machine, last_mm_s: float
) -> Alert:
    """MACHINE_DOWN: stopped during scheduled work while at risk."""
    back = since + timedelta(hours=spec.repair_hours)
    return make(
        AlertKind.MACHINE_DOWN,
        Severity.CRITICAL,
        r.ts,
        reading_key(r.device_id, r.seq),
        f"{make.asset_id} stopped at {since:%Y-%m-%d %H:%M} during scheduled work "
        f"after vibration {last_mm_s:.2f} mm/s; repair expected until {back:%Y-%m-%d %H:%M}",
        data={
            "down_since": since.isoformat(),
            "expected_back": back.isoformat(),
            "repair_hours": spec.repair_hours,
            "last_vibration_mm_s": last_mm_s,
        },
    )


def restored_alert(make: AlertMaker, r: RuntimeReading, since: datetime) -> Alert:
    """MACHINE_RESTORED: running again after a breakdown."""
    hours = (r.ts - since).total_seconds() / 3600.0
    return make(
        AlertKind.MACHINE_RESTORED,
        Severity.INFO,
        r.ts,
        reading_key(r.device_id, r.seq),
        f"{make.asset_id} running again after {hours:.1f} h down",
        data={"down_hours": hours, "down_since": since.isoformat()},
    )
