"""Sensor readings: one discriminated union, units in the field names.

Every reading carries `device_id`, `seq` and `ts`, so duplicates can be
dropped by `(asset_id, device_id, seq)` and gaps detected, and `asset_id`,
the asset whose agent owns it. Out-of-range values (a humidity of 140 %, a negative
stock) are validation errors: they go to the dead letters, never to an agent.

Every number is finite and bounded, because whatever is accepted is
acknowledged and stored, and must load again: JSON has no Infinity, so a
stored one comes back as null and no longer validates. The bounds are
physical (a latitude, a relative humidity) or generous ceilings no plant
reaches (`MAX_UNITS` on one count, `MAX_HOURS` on an hour meter); sequence
numbers stay below 2^53, the largest a JSON number carries exactly;
timestamps fall in `EARLIEST` .. `LATEST`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from supplysync.network import MAX_SEQ, Id

SCHEMA_VERSION = 1

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""No reading is older: a clock at the epoch or year 1 has lost its time."""
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""No reading is this young (exclusive): a clock at year 9999 is broken."""
MAX_UNITS = 1e9
"""Most units one count may report (a shelf, a scan, a PLC counter's step)."""
MAX_HOURS = 1e6
"""Most hours an hour meter may show (over a century of running)."""

Units = Annotated[float, Field(ge=0, le=MAX_UNITS)]


def _in_supported_years(ts: datetime) -> datetime:
    """`ts` if it lies in `EARLIEST` .. `LATEST`.

    A local year strictly inside the range cannot cross a bound whatever the
    offset (at most a day), so that test settles nearly every reading
    without comparing aware datetimes across time zones, which costs a
    `utcoffset` call on each side (0.6 against 0.1 µs a reading, about a
    quarter of a gateway batch's decode).
    """
    if EARLIEST.year < ts.year < LATEST.year - 1:
        return ts
    if not EARLIEST <= ts < LATEST:
        raise ValueError(f"should be from {EARLIEST:%Y-%m-%d} up to {LATEST:%Y-%m-%d}")
    return ts


SupportedTime = Annotated[AwareDatetime, AfterValidator(_in_supported_years)]
"""An aware time in `EARLIEST` .. `LATEST`: far enough from the calendar's ends that a
day or a grace period added to it, or its period index, is still a date."""


class _Reading(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    device_id: Id
    asset_id: Id
    seq: Annotated[int, Field(ge=0, le=MAX_SEQ)]
    ts: SupportedTime


class LocationReading(_Reading):
    """GNSS fix of a vehicle or a shipment tracker."""

    kind: Literal["location"] = "location"
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    speed_kmh: Annotated[float, Field(ge=0, le=300)] = 0.0
    shipment_id: str | None = None


class TemperatureReading(_Reading):
    """Air or surface temperature (machine bearing, reefer box, warehouse room)."""

    kind: Literal["temperature"] = "temperature"
    celsius: Annotated[float, Field(ge=-80, le=200)]
    shipment_id: str | None = None


class HumidityReading(_Reading):
    kind: Literal["humidity"] = "humidity"
    percent_rh: Annotated[float, Field(ge=0, le=100)]


class ShockReading(_Reading):
    """Peak acceleration of a shock event, in g."""

    kind: Literal["shock"] = "shock"
    g: Annotated[float, Field(ge=0, le=500)]
    shipment_id: str | None = None


class VibrationReading(_Reading):
    """Vibration velocity RMS (ISO 10816), mm/s."""

    kind: Literal["vibration"] = "vibration"
    mm_s_rms: Annotated[float, Field(ge=0, le=1000)]


class PressureReading(_Reading):
    kind: Literal["pressure"] = "pressure"
    kpa: Annotated[float, Field(ge=0, le=100_000)]


class RuntimeReading(_Reading):
    """Hour meter of a machine and whether it is running now."""

    kind: Literal["runtime"] = "runtime"
    hours: Annotated[float, Field(ge=0, le=MAX_HOURS)]
    running: bool


class OutputReading(_Reading):
    """PLC output counter: units of a product made since the last reading."""

    kind: Literal["output"] = "output"
    product_id: Id
    units: Units


class StockLevelReading(_Reading):
    """Units on hand of one product at a site, from smart shelves or an RFID count."""

    kind: Literal["stock_level"] = "stock_level"
    product_id: Id
    units: Units
    source: Literal["shelf", "rfid_count"] = "shelf"


class RfidScan(_Reading):
    """A lot passing a reader at a site gate: a stock movement."""

    kind: Literal["rfid_scan"] = "rfid_scan"
    lot_id: Annotated[str, Field(min_length=1, max_length=128)]
    product_id: Id
    units: Annotated[float, Field(gt=0, le=MAX_UNITS)]
    direction: Literal["in", "out"]
    site_id: Id


class FuelReading(_Reading):
    kind: Literal["fuel"] = "fuel"
    percent: Annotated[float, Field(ge=0, le=100)]


class HarshDrivingReading(_Reading):
    kind: Literal["harsh_driving"] = "harsh_driving"
    event: Literal["brake", "accel", "corner"]
    g: Annotated[float, Field(ge=0, le=10)]


class DoorReading(_Reading):
    """Cargo or cold-room door state change."""

    kind: Literal["door"] = "door"
    open: bool


Reading = Annotated[
    LocationReading
    | TemperatureReading
    | HumidityReading
    | ShockReading
    | VibrationReading
    | PressureReading
    | RuntimeReading
    | OutputReading
    | StockLevelReading
    | RfidScan
    | FuelReading
    | HarshDrivingReading
    | DoorReading,
    Field(discriminator="kind"),
]

READING_ADAPTER: TypeAdapter[Reading] = TypeAdapter(Reading)


class GatewayMessage(BaseModel):
    """One MQTT payload: a versioned batch of readings from a gateway."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    gateway_id: Id
    readings: Annotated[list[Reading], Field(min_length=1, max_length=10_000)]


def reading_time(reading: Reading) -> datetime:
    """The timestamp of any reading (a helper for sorting mixed batches)."""
    return reading.ts
