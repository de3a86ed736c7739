"""The reading factory: per-device sequence numbers and one ordered output.

Models report readings with a time in simulation hours as they happen, in
whatever order their step logic runs. `drain` sorts a frame by time (stable,
so simultaneous readings keep the order they were reported in) and only then
numbers them, so each device's `seq` rises with its `ts` without gaps.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from supplysync.readings import (
    DoorReading,
    FuelReading,
    HarshDrivingReading,
    HumidityReading,
    LocationReading,
    OutputReading,
    PressureReading,
    Reading,
    RfidScan,
    RuntimeReading,
    ShockReading,
    StockLevelReading,
    TemperatureReading,
    VibrationReading,
)

_Pending = tuple[float, str, str, type[Any], dict[str, Any]]


class Emitter:
    """Collects readings between two `drain` calls.

    Args:
        start: the instant simulation hour 0 stands for.
    """

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._seq: dict[str, int] = {}
        self._pending: list[_Pending] = []

    def ts(self, h: float) -> datetime:
        """The instant of simulation hour `h`, exact to the microsecond."""
        return self._start + timedelta(microseconds=round(h * 3_600_000_000))

    def drain(self) -> list[Reading]:
        """Readings reported since the last drain, in time order, numbered per device.

        Readings are built with their validating constructors (pydantic-core
        validates these small models faster than `model_construct` copies
        them), so the simulator can never emit what a device could not send.
        """
        self._pending.sort(key=_time)
        out: list[Reading] = []
        seqs = self._seq
        for h, device, asset, cls, fields in self._pending:
            seq = seqs.get(device, 0)
            seqs[device] = seq + 1
            out.append(cls(device_id=device, asset_id=asset, seq=seq, ts=self.ts(h), **fields))
        self._pending = []
        return out

    def _add(self, h: float, device: str, asset: str, cls: type[Any], **fields: Any) -> None:
        self._pending.append((h, device, asset, cls, fields))

    def location(
        self,
        h: float,
        device: str,
        asset: str,
        *,
        lat: float,
        lon: float,
        speed_kmh: float,
        shipment_id: str | None = None,
    ) -> None:
        self._add(
            h,
            device,
            asset,
            LocationReading,
            lat=round(lat, 6),
            lon=round(lon, 6),
            speed_kmh=round(min(max(speed_kmh, 0.0), 300.0), 2),
            shipment_id=shipment_id,
        )

    def temperature(
        self, h: float, device: str, asset: str, celsius: float, shipment_id: str | None = None
    ) -> None:
        celsius = round(min(max(celsius, -80.0), 200.0), 2)
        self._add(h, device, asset, TemperatureReading, celsius=celsius, shipment_id=shipment_id)

    def humidity(self, h: float, device: str, asset: str, percent_rh: float) -> None:
        percent_rh = round(min(max(percent_rh, 0.0), 100.0), 2)
        self._add(h, device, asset, HumidityReading, percent_rh=percent_rh)

    def vibration(self, h: float, device: str, asset: str, mm_s_rms: float) -> None:
        self._add(h, device, asset, VibrationReading, mm_s_rms=round(max(mm_s_rms, 0.0), 3))

    def pressure(self, h: float, device: str, asset: str, kpa: float) -> None:
        self._add(h, device, asset, PressureReading, kpa=round(max(kpa, 0.0), 1))

    def runtime(self, h: float, device: str, asset: str, hours: float, running: bool) -> None:
        self._add(h, device, asset, RuntimeReading, hours=round(hours, 4), running=running)

    def output(self, h: float, device: str, asset: str, product_id: str, units: float) -> None:
        self._add(h, device, asset, OutputReading, product_id=product_id, units=round(units, 4))

    def stock_level(self, h: float, device: str, asset: str, product_id: str, units: float) -> None:
        units = round(max(units, 0.0), 4)
        self._add(h, device, asset, StockLevelReading, product_id=product_id, units=units)

    def rfid(
        self,
        h: float,
        device: str,
        asset: str,
        *,
        lot_id: str,
        product_id: str,
        units: float,
        direction: str,
        site_id: str,
    ) -> None:
        self._add(
            h,
            device,
            asset,
            RfidScan,
            kind="rfid_scan",
            lot_id=lot_id,
            product_id=product_id,
            units=round(units, 4),
            direction=direction,
            site_id=site_id,
        )

    def fuel(self, h: float, device: str, asset: str, percent: float) -> None:
        percent = round(min(max(percent, 0.0), 100.0), 2)
        self._add(h, device, asset, FuelReading, percent=percent)

    def harsh_driving(self, h: float, device: str, asset: str, event: str, g: float) -> None:
        g = round(min(g, 10.0), 3)
        self._add(h, device, asset, HarshDrivingReading, event=event, g=g)

    def door(self, h: float, device: str, asset: str, is_open: bool) -> None:
        self._add(h, device, asset, DoorReading, open=is_open)

    def shock(self, h: float, device: str, asset: str, g: float) -> None:
        self._add(h, device, asset, ShockReading, g=round(min(g, 500.0), 3))


def _time(item: _Pending) -> float:
    return item[0]
