"""Per-asset device bookkeeping shared by every agent kind.

Readings arrive at least once and may be replayed, so each device's highest
sequence number decides what is new: anything at or below it is dropped. A
jump in the sequence means readings were lost on the way (SEQUENCE_GAP). A
periodic device that stops reporting for longer than the silence limit is
raised once as SENSOR_SILENT and re-armed by its next reading; event-driven
devices (doors, shocks, scans) are silent by nature and never watched.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker, reading_key
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import Reading
from supplysync.snapshots import ReadingPosition

PERIODIC_KINDS = frozenset(
    {
        "vibration",
        "temperature",
        "pressure",
        "runtime",
        "stock_level",
        "humidity",
        "location",
        "fuel",
    }
)
"""Reading kinds a device emits on a schedule; a device emitting any of them is watched."""


class _Device:
    __slots__ = ("last_seq", "last_ts", "periodic", "retired", "silent")

    def __init__(self, seq: int, ts: datetime, periodic: bool) -> None:
        self.last_seq = seq
        self.last_ts = ts
        self.periodic = periodic
        self.silent = False
        self.retired = False


class DeviceTracker:
    """Dedupes, detects gaps and watches for silence across one asset's devices."""

    def __init__(self, make_alert: AlertMaker, silence: timedelta) -> None:
        self._alert = make_alert
        self._silence = silence
        self._devices: dict[str, _Device] = {}

    def admit(self, reading: Reading, alerts: list[Alert]) -> bool:
        """Whether `reading` is new; appends a SEQUENCE_GAP alert when readings were lost."""
        device = self._devices.get(reading.device_id)
        if device is None:
            self._devices[reading.device_id] = _Device(
                reading.seq, reading.ts, reading.kind in PERIODIC_KINDS
            )
            return True
        seq = reading.seq
        if seq <= device.last_seq:
            return False
        missing = seq - device.last_seq - 1
        if missing:
            alerts.append(self._gap(reading, device.last_seq, missing))
        device.last_seq = seq
        device.last_ts = max(device.last_ts, reading.ts)
        device.silent = False
        if not device.periodic and reading.kind in PERIODIC_KINDS:
            device.periodic = True
        return True

    def _gap(self, reading: Reading, last_seq: int, missing: int) -> Alert:
        return self._alert(
            AlertKind.SEQUENCE_GAP,
            Severity.WARNING,
            reading.ts,
            reading_key(reading.device_id, reading.seq),
            f"{reading.device_id}: {missing} reading(s) lost between seq {last_seq} "
            f"and {reading.seq}",
            data={"device_id": reading.device_id, "missing": missing, "after_seq": last_seq},
        )

    def tick(self, now: datetime) -> list[Alert]:
        """SENSOR_SILENT once for each watched device quiet for longer than the limit."""
        alerts: list[Alert] = []
        for device_id, device in self._devices.items():
            if device.silent or device.retired or not device.periodic:
                continue
            if now - device.last_ts > self._silence:
                device.silent = True
                minutes = (now - device.last_ts).total_seconds() / 60.0
                alerts.append(
                    self._alert(
                        AlertKind.SENSOR_SILENT,
                        Severity.WARNING,
                        device.last_ts + self._silence,
                        reading_key(device_id, device.last_seq),
                        f"{device_id} silent for {minutes:.0f} min "
                        f"(limit {self._silence.total_seconds() / 60:.0f} min)",
                        data={"device_id": device_id, "silent_minutes": minutes},
                    )
                )
        return alerts

    def retire(self, device_id: str) -> None:
        """Stop watching a device that has finished its job; its replays stay dropped."""
        device = self._devices.get(device_id)
        if device is not None:
            device.retired = True

    def state(self) -> dict[str, Any]:
        """Each device's last sequence number, time and status, JSON-ready."""
        return {
            device_id: {
                "last_seq": d.last_seq,
                "last_ts": d.last_ts.isoformat(),
                "silent": d.silent,
                "retired": d.retired,
            }
            for device_id, d in self._devices.items()
        }

    def position(self) -> ReadingPosition:
        """The readings folded in so far, as a snapshot records them."""
        devices = self._devices.values()
        return ReadingPosition(
            last_seq={device_id: d.last_seq for device_id, d in self._devices.items()},
            since=min((d.last_ts for d in devices), default=None),
        )

    def snapshot(self) -> dict[str, list[Any]]:
        """Every device's bookkeeping as JSON: `[last_seq, last_ts, periodic, silent, retired]`."""
        return {
            device_id: [d.last_seq, d.last_ts.isoformat(), d.periodic, d.silent, d.retired]
            for device_id, d in self._devices.items()
        }

    def restore(self, data: dict[str, list[Any]]) -> None:
        """Take back the bookkeeping `snapshot` wrote."""
        self._devices = {}
        for device_id, (seq, ts, periodic, silent, retired) in data.items():
            device = _Device(int(seq), datetime.fromisoformat(ts), bool(periodic))
            device.silent, device.retired = bool(silent), bool(retired)
            self._devices[device_id] = device
