"""Traceability of a lot: where it has been and what it went through.

A lot shows up in the log two ways: RFID scans at site gates name it
(`lot_id`), and a supplier's shipment tracker reports position,
temperature and shock under the shipment id, which is the purchase order
and the lot id of what it carries. So the trace of a lot is: every scan
naming it (the places, in and out), every tracker reading of its shipment
(the road), and the room readings of each site for the time the lot was
inside it (between its `in` and `out` scans, or until the end of the range
if it never left). The store indexes readings by asset, so this reads each
asset's readings over the range once.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from adapters.store import EventStore
from supplysync.readings import (
    LocationReading,
    RfidScan,
    ShockReading,
    TemperatureReading,
)


class Stay(BaseModel):
    """A lot inside one site, from its `in` scan (None: before the range) to its `out`."""

    model_config = ConfigDict(frozen=True)

    site_id: str
    entered: datetime | None
    left: datetime | None
    units: float


class TracePublic(BaseModel):
    """A lot's places and conditions over the range asked for, in time order."""

    model_config = ConfigDict(frozen=True)

    lot_id: str
    since: datetime
    until: datetime
    scans: list[RfidScan]
    stays: list[Stay]
    track: list[LocationReading]
    conditions: list[TemperatureReading | ShockReading]
    max_celsius: float | None
    max_shock_g: float | None


def trace_lot(
    store: EventStore,
    asset_ids: list[str],
    lot_id: str,
    *,
    run_id: str,
    since: datetime,
    until: datetime,
) -> TracePublic:
    """Everything the log says about `lot_id` in `[since, until)`."""
    by_asset = {a: store.readings(a, since, until, run_id=run_id) for a in asset_ids}
    everything = sorted((r for rs in by_asset.values() for r in rs), key=lambda r: r.ts)
    scans = [r for r in everything if isinstance(r, RfidScan) and r.lot_id == lot_id]
    shipment = [r for r in everything if getattr(r, "shipment_id", None) == lot_id]
    stays = _stays(scans)
    conditions: list[TemperatureReading | ShockReading] = [
        r for r in shipment if isinstance(r, TemperatureReading | ShockReading)
    ]
    for stay in stays:
        start, end = stay.entered or since, stay.left or until
        conditions += [
            r
            for r in by_asset.get(stay.site_id, [])
            if isinstance(r, TemperatureReading | ShockReading)
            and r.shipment_id is None
            and start <= r.ts <= end
        ]
    conditions.sort(key=lambda r: r.ts)
    temps = [r.celsius for r in conditions if isinstance(r, TemperatureReading)]
    shocks = [r.g for r in conditions if isinstance(r, ShockReading)]
    return TracePublic(
        lot_id=lot_id,
        since=since,
        until=until,
        scans=scans,
        stays=stays,
        track=[r for r in shipment if isinstance(r, LocationReading)],
        conditions=conditions,
        max_celsius=max(temps) if temps else None,
        max_shock_g=max(shocks) if shocks else None,
    )


def _stays(scans: list[RfidScan]) -> list[Stay]:
    stays: list[Stay] = []
    inside: dict[str, int] = {}
    for scan in scans:
        if scan.direction == "in":
            inside[scan.site_id] = len(stays)
            stays.append(Stay(site_id=scan.site_id, entered=scan.ts, left=None, units=scan.units))
            continue
        at = inside.pop(scan.site_id, None)
        if at is None:
            stays.append(Stay(site_id=scan.site_id, entered=None, left=scan.ts, units=scan.units))
        else:
            stays[at] = stays[at].model_copy(update={"left": scan.ts})
    return stays
