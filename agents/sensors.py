"""Per-asset device bookkeeping shared by every agent kind.

Readings arrive at least once, may be replayed, and may arrive out of order
(a publisher resending its backlog after a broker restart). Each device's
highest sequence number decides what is new; a jump in the sequence opens a
gap, and the sequence numbers in it that arrive later fill it. A device's
first reading is checked against where its sequence starts (0, or its entry
in the network's device registry), so readings lost before a new device was
first heard of count too. A reading
that fills a gap reaches the agent only if it is a change (`LATE_KINDS`: a
stock movement or an output count, which nothing later repeats); a level
(stock, temperature) is superseded by the newer one already applied. What a
gap still misses when its `grace` has passed (by the clock or by a later
reading's time) was lost: one SEQUENCE_GAP with the count. A periodic
device that stops reporting for longer than the silence limit is raised
once as SENSOR_SILENT and re-armed by its next reading; event-driven devices
(doors, shocks, scans) are silent by nature and never watched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from agents.alerts import AlertMaker, reading_key
from agents.states import DeviceState
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

LATE_KINDS = frozenset({"rfid_scan", "output"})
"""Reading kinds that are changes, not levels: applied even when they arrive late."""


class _Gap:
    """Sequence numbers `lo..hi` not yet seen, opened by a reading taken at `opened`."""

    __slots__ = ("filled", "hi", "lo", "opened")

    def __init__(self, lo: int, hi: int, opened: datetime, filled: Iterable[int] = ()) -> None:
        self.lo, self.hi, self.opened = lo, hi, opened
        self.filled = set(filled)

    @property
    def missing(self) -> int:
        return self.hi - self.lo + 1 - len(self.filled)

    def to_json(self) -> list[Any]:
        return [self.lo, self.hi, self.opened.isoformat(), sorted(self.filled)]


class _Device:
    __slots__ = ("gaps", "last_seq", "last_ts", "periodic", "retired", "silent")

    def __init__(self, seq: int, ts: datetime, periodic: bool) -> None:
        self.last_seq = seq
        self.last_ts = ts
        self.periodic = periodic
        self.silent = False
        self.retired = False
        self.gaps: list[_Gap] = []

    def fill(self, seq: int) -> bool:
        """Whether `seq` is one of an open gap's, not seen before (then it is seen now)."""
        for gap in self.gaps:
            if gap.lo <= seq <= gap.hi and seq not in gap.filled:
                gap.filled.add(seq)
                return True
        return False


class DeviceTracker:
    """Dedupes, detects gaps and watches for silence across one asset's devices.

    Args:
        make_alert: stamps this asset's alerts.
        silence: how long a periodic device may go quiet.
        grace: how long a gap waits for late readings.
        first_seq: where registered devices' sequences start; any other
            device starts at 0 (docs/sensors.md).
    """

    def __init__(
        self,
        make_alert: AlertMaker,
        silence: timedelta,
        grace: timedelta,
        first_seq: Mapping[str, int] | None = None,
    ) -> None:
        self._alert = make_alert
        self._silence = silence
        self._grace = grace
        self._first_seq = dict(first_seq or {})
        self._devices: dict[str, _Device] = {}

    def admit(self, reading: Reading, alerts: list[Alert]) -> bool:
        """Whether `reading` goes to the agent; appends SEQUENCE_GAP for gaps now judged lost."""
        device = self._devices.get(reading.device_id)
        if device is None:
            device = _Device(reading.seq, reading.ts, reading.kind in PERIODIC_KINDS)
            first = self._first_seq.get(reading.device_id, 0)
            if reading.seq > first:
                device.gaps.append(_Gap(first, reading.seq - 1, reading.ts))
            self._devices[reading.device_id] = device
            return True
        seq = reading.seq
        if seq <= device.last_seq:
            late = device.fill(seq) and reading.kind in LATE_KINDS
            self._settle(reading.device_id, device, reading.ts, alerts)
            return late
        if seq > device.last_seq + 1:
            device.gaps.append(_Gap(device.last_seq + 1, seq - 1, reading.ts))
        self._settle(reading.device_id, device, reading.ts, alerts)
        device.last_seq = seq
        device.last_ts = max(device.last_ts, reading.ts)
        device.silent = False
        if not device.periodic and reading.kind in PERIODIC_KINDS:
            device.periodic = True
        return True

    def _settle(self, device_id: str, device: _Device, now: datetime, alerts: list[Alert]) -> None:
        """Close the gaps whose grace ended before `now`: alert what they still miss."""
        if not device.gaps:
            return
        open_gaps = []
        for gap in device.gaps:
            if now - gap.opened <= self._grace and gap.missing:
                open_gaps.append(gap)
            elif gap.missing:
                alerts.append(self._lost(device_id, gap))
        device.gaps = open_gaps

    def _lost(self, device_id: str, gap: _Gap) -> Alert:
        after, before = gap.lo - 1, gap.hi + 1
        span = f"seq {gap.lo}" if gap.lo == gap.hi else f"seq {gap.lo} to {gap.hi}"
        return self._alert(
            AlertKind.SEQUENCE_GAP,
            Severity.WARNING,
            gap.opened,
            reading_key(device_id, before),
            f"{device_id}: {gap.missing} reading(s) lost in {span}",
            data={"device_id": device_id, "missing": gap.missing, "after_seq": after},
        )

    def tick(self, now: datetime) -> list[Alert]:
        """SEQUENCE_GAP for gaps past their grace; SENSOR_SILENT once per quiet device."""
        alerts: list[Alert] = []
        for device_id, device in self._devices.items():
            self._settle(device_id, device, now, alerts)
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

    def state(self) -> dict[str, DeviceState]:
        """Each device's last sequence number, time and status."""
        return {
            device_id: DeviceState(
                last_seq=d.last_seq, last_ts=d.last_ts, silent=d.silent, retired=d.retired
            )
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
        """Every device's bookkeeping as JSON.

        `[last_seq, last_ts, periodic, silent, retired, gaps]`, each open gap
        `[lo, hi, opened, filled]`.
        """
        return {
            device_id: [
                d.last_seq,
                d.last_ts.isoformat(),
                d.periodic,
                d.silent,
                d.retired,
                [g.to_json() for g in d.gaps],
            ]
            for device_id, d in self._devices.items()
        }

    def restore(self, data: dict[str, list[Any]]) -> None:
        """Take back the bookkeeping `snapshot` wrote (one without gaps has none open)."""
        self._devices = {}
        for device_id, (seq, ts, periodic, silent, retired, *rest) in data.items():
            device = _Device(int(seq), datetime.fromisoformat(ts), bool(periodic))
            device.silent, device.retired = bool(silent), bool(retired)
            gaps = rest[0] if rest else []
            device.gaps = [
                _Gap(int(lo), int(hi), datetime.fromisoformat(opened), map(int, filled))
                for lo, hi, opened, filled in gaps
            ]
            self._devices[device_id] = device
