"""What an agent shows of itself (`Agent.state`), typed.

Hosts pass a state on as its dump (`state_json`), to the directory, the
live loop and whoever reads them, so each model's fields and their order are
those of the JSON dict the agent gave before it was typed, and times dump as
ISO 8601 with their offset in every mode: `model_dump()` is that JSON as it
stands.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agents.health import ZoneName
from agents.persist import IsoTime


class View(BaseModel):
    """Base of the typed states (what `Agent.state` gives): immutable, declared fields only."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DeviceState(View):
    """One device's bookkeeping (`agents.sensors.DeviceTracker.state`)."""

    last_seq: int
    last_ts: IsoTime
    silent: bool
    retired: bool


class MachineState(View):
    """A machine's live readings, health, prediction and downtime."""

    asset_id: str
    kind: Literal["machine"]
    running: bool | None
    hour_meter: float | None
    vibration_mm_s: float | None
    temperature_c: float | None
    pressure_kpa: float | None
    health: float
    zone: ZoneName
    predicted_failure_at: IsoTime | None
    wear_per_hour: float | None
    down_since: IsoTime | None
    current_product: str | None
    made: dict[str, float]
    has_schedule: bool
    devices: dict[str, DeviceState]


class WarehouseState(View):
    """A warehouse's stock, space, room conditions and expected transfers."""

    asset_id: str
    kind: Literal["warehouse"]
    stock: dict[str, float]
    total_units: float
    free_units: float
    capacity_units: float
    room_c: float | None
    humidity_percent: float | None
    cold_storage_ok: bool
    inbound: dict[str, float]
    pending_transfers: list[str]
    below_reorder_point: list[str]
    devices: dict[str, DeviceState]


class ShipmentState(View):
    """One shipment on its way, as its supplier expects it."""

    product_id: str
    quantity: float
    destination_id: str
    promised: IsoTime
    eta: IsoTime
    late: bool
    hours_held: float


class SupplierState(View):
    """A supplier's shipments on the road, lateness and the delay it learned."""

    asset_id: str
    kind: Literal["supplier"]
    shipments: dict[str, ShipmentState]
    delivered: int
    observed_delay_h: float
    devices: dict[str, DeviceState]


class VehicleState(View):
    """A vehicle's position, cargo, door, fuel and route progress."""

    asset_id: str
    kind: Literal["vehicle"]
    lat: float
    lon: float
    speed_kmh: float
    fix_ts: IsoTime | None
    cargo_c: float | None
    fuel_percent: float | None
    door_open: bool
    last_shock_g: float | None
    refrigeration_ok: bool
    on_route: bool
    route_period: int | None
    next_stop: str | None
    load: dict[str, float]
    routes_committed: int
    devices: dict[str, DeviceState]


def state_json(state: View) -> dict[str, Any]:
    """The JSON dict of a state, as hosts pass it on to the directory and the live loop."""
    return state.model_dump()
