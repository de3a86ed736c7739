"""Hand-built readings of the demo network, shaped as docs/sensors.md says."""

from __future__ import annotations

from datetime import datetime, timedelta

from supplysync.network import Network
from supplysync.readings import (
    LocationReading,
    Reading,
    RuntimeReading,
    StockLevelReading,
    TemperatureReading,
    VibrationReading,
)


def demo_readings(network: Network, start: datetime, steps: int = 4) -> list[Reading]:
    """Hand-built readings of every asset over `steps` 15-minute steps.

    Devices and seqs follow docs/sensors.md; the first machine's vibration
    climbs into the ISO 10816 danger zone on the last step.
    """
    seqs: dict[str, int] = {}

    def seq(device: str) -> int:
        seqs[device] = seqs.get(device, -1) + 1
        return seqs[device]

    out: list[Reading] = []
    for step in range(steps):
        ts = start + timedelta(minutes=15 * step)
        for i, m in enumerate(network.machines):
            vib = 7.6 if (i == 0 and step == steps - 1) else 1.3 + 0.1 * step
            out += [
                VibrationReading(
                    device_id=f"{m.id}-vib",
                    asset_id=m.id,
                    seq=seq(f"{m.id}-vib"),
                    ts=ts,
                    mm_s_rms=vib,
                ),
                TemperatureReading(
                    device_id=f"{m.id}-temp",
                    asset_id=m.id,
                    seq=seq(f"{m.id}-temp"),
                    ts=ts,
                    celsius=50.0 + step,
                ),
                RuntimeReading(
                    device_id=f"{m.id}-plc",
                    asset_id=m.id,
                    seq=seq(f"{m.id}-plc"),
                    ts=ts,
                    hours=100 + 0.25 * step,
                    running=True,
                ),
            ]
        for w in network.warehouses:
            out += [
                StockLevelReading(
                    device_id=f"{w.id}-shelf",
                    asset_id=w.id,
                    seq=seq(f"{w.id}-shelf"),
                    ts=ts,
                    product_id=p,
                    units=units,
                )
                for p, units in w.initial_stock.items()
            ]
            out.append(
                TemperatureReading(
                    device_id=f"{w.id}-env",
                    asset_id=w.id,
                    seq=seq(f"{w.id}-env"),
                    ts=ts,
                    celsius=4.0,
                )
            )
        for v in network.vehicles:
            depot = network.location_of(v.depot_id)
            out += [
                LocationReading(
                    device_id=f"{v.id}-gps",
                    asset_id=v.id,
                    seq=seq(f"{v.id}-gps"),
                    ts=ts,
                    lat=depot.lat,
                    lon=depot.lon + 0.01 * step,
                    speed_kmh=40.0,
                ),
                TemperatureReading(
                    device_id=f"{v.id}-cargo",
                    asset_id=v.id,
                    seq=seq(f"{v.id}-cargo"),
                    ts=ts,
                    celsius=4.0 if v.refrigerated else 15.0,
                ),
            ]
        for s in network.suppliers:
            dev = f"{s.id}-trk-PO-1"
            out.append(
                LocationReading(
                    device_id=dev,
                    asset_id=s.id,
                    seq=seq(dev),
                    ts=ts,
                    lat=s.location.lat,
                    lon=s.location.lon,
                    speed_kmh=50.0,
                    shipment_id="PO-1",
                )
            )
    return out
