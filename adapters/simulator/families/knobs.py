"""Every knob a scenario family can turn, with its type, default and range.

A family is a set of knob values (`catalog`); a user changes some of them
with `--set key=value`, whose values arrive as text. `resolve_knobs` turns
the two into one validated `Knobs`: an unknown key, a value of the wrong
type or out of range, or a combination that could not make a sensible
network (machines without a plant, cold products without a reefer) raises
`KnobError` naming the key and the reason, so the CLI can exit 2 with it.

Capacities are set by tightness knobs: the share of a resource that the
expected demand uses. 0.5 leaves twice the demand; 0.95 leaves almost no
slack, so a disruption forces a choice.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from supplysync.scenario import PlanningSettings

DisruptionKind = Literal[
    "demand_spike",
    "machine_degradation",
    "supplier_delay",
    "reefer_failure",
    "traffic_delay",
    "inbound_surge",
]
DISRUPTION_KINDS: tuple[DisruptionKind, ...] = get_args(DisruptionKind)
Timing = Literal["early", "mid", "late", "spread"]
Share = Annotated[float, Field(ge=0, le=1)]
Tightness = Annotated[float, Field(ge=0.1, le=1.0)]
AMBIENT_NAMES = 12
COLD_NAMES = 8


class KnobError(ValueError):
    """A knob that cannot be used: `key` names it, `reason` says why."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


class Knobs(BaseModel):
    """The parameters of one generated scenario.

    Sizes count assets; customers come on top of them. Demand is per
    customer and product line; the tightness knobs size machines, suppliers,
    warehouses, the fleet and its reefers as utilisation of expected demand.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    suppliers: Annotated[int, Field(ge=1, le=20, description="suppliers")] = 3
    plants: Annotated[int, Field(ge=0, le=10, description="plants (0: a distributor)")] = 2
    machines: Annotated[int, Field(ge=0, le=40, description="machines, over the plants")] = 6
    warehouses: Annotated[int, Field(ge=1, le=15, description="warehouses")] = 3
    customers: Annotated[int, Field(ge=1, le=120, description="customers")] = 15
    regions: Annotated[int, Field(ge=1, le=8, description="customer regions")] = 3
    vehicles: Annotated[int, Field(ge=1, le=40, description="vehicles, reefers included")] = 6
    reefers: Annotated[int, Field(ge=0, le=40, description="refrigerated vehicles")] = 2
    products: Annotated[int, Field(ge=2, le=12, description="products")] = 5
    cold_products: Annotated[
        int, Field(ge=0, le=COLD_NAMES, description="cold-chain products among them")
    ] = 1
    spread_km: Annotated[
        float, Field(ge=10, le=1500, description="span of the sites (metro 50, national 900)")
    ] = 250.0
    speed_kmh: Annotated[float, Field(ge=20, le=100, description="vehicle speed")] = 60.0
    shift_hours: Annotated[float, Field(ge=4, le=14, description="driver's shift")] = 10.0
    narrow_window_share: Annotated[
        Share, Field(description="customers receiving 6-8 h a day instead of 8-18")
    ] = 0.2
    lead_min_days: Annotated[int, Field(ge=1, le=7, description="shortest supplier lead")] = 1
    lead_max_days: Annotated[int, Field(ge=1, le=7, description="longest supplier lead")] = 2
    multi_source_share: Annotated[
        Share, Field(description="products with a second, dearer and faster source")
    ] = 0.5
    make_share: Annotated[Share, Field(description="ambient products made, not bought")] = 0.6
    machine_tightness: Annotated[Tightness, Field(description="machine hours used")] = 0.6
    supplier_tightness: Annotated[Tightness, Field(description="supplier capacity used")] = 0.4
    warehouse_tightness: Annotated[Tightness, Field(description="warehouse room used")] = 0.6
    fleet_tightness: Annotated[Tightness, Field(description="vehicle capacity used")] = 0.5
    reefer_tightness: Annotated[Tightness, Field(description="reefer capacity used")] = 0.5
    demand_level: Annotated[
        float, Field(ge=1, le=500, description="mean units/day of a customer-product line")
    ] = 20.0
    demand_cv: Annotated[
        float, Field(ge=0.05, le=0.5, description="day-to-day variation of orders")
    ] = 0.15
    product_mix: Annotated[
        float, Field(ge=0.1, le=1, description="share of the products a customer orders")
    ] = 0.6
    initial_days: Annotated[
        float, Field(ge=0, le=14, description="opening stock, days of served demand")
    ] = 3.0
    order_days: Annotated[
        float, Field(ge=0.5, le=14, description="order quantity, days of served demand")
    ] = 3.0
    service_z: Annotated[
        float, Field(ge=0, le=3, description="safety stock, standard deviations")
    ] = 1.65
    cold_room_share: Annotated[
        Share, Field(description="warehouses with a cold room (reefer depots always)")
    ] = 1.0
    cold_hours_out: Annotated[
        float, Field(ge=0, le=24, description="cold goods' most hours out of storage (0: none)")
    ] = 0.0
    days: Annotated[int, Field(ge=1, le=30, description="simulated days")] = 7
    horizon_periods: Annotated[int, Field(ge=1, le=30, description="planning horizon, days")] = (
        PlanningSettings().horizon_periods
    )
    disruptions: Annotated[
        tuple[DisruptionKind, ...],
        Field(description="kinds, comma-separated, repeats allowed ('none': no disruption)"),
    ] = ("demand_spike", "supplier_delay")
    timing: Annotated[
        Timing, Field(description="when disruptions start: a third of the run, or spread")
    ] = "spread"
    disruption_day: Annotated[
        int | None, Field(ge=0, le=29, description="every disruption starts this day")
    ] = None
    severity: Annotated[
        float, Field(ge=0.25, le=3, description="scales spike factors, delays, durations")
    ] = 1.0

    @field_validator("disruptions", mode="before")
    @classmethod
    def _split_kinds(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
            return () if parts in (["none"], [""]) else tuple(parts)
        return value

    @field_validator("disruption_day", mode="before")
    @classmethod
    def _none_day(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip() in ("", "none") else value

    @model_validator(mode="after")
    def _combinations(self) -> Knobs:
        for key, ok, reason in self._rules():
            if not ok:
                raise PydanticCustomError("knob", "{key}: {reason}", {"key": key, "reason": reason})
        return self

    def _rules(self) -> list[tuple[str, bool, str]]:
        """(key, holds, why) for each rule that ties knobs together."""
        ambient = self.products - self.cold_products
        kinds = set(self.disruptions)
        return [
            (
                "machines",
                (self.machines == 0) == (self.plants == 0),
                "must be 0 exactly when plants is 0",
            ),
            ("machines", self.machines >= self.plants, "must be at least plants (one per plant)"),
            (
                "plants",
                self.plants <= self.warehouses,
                "must be at most warehouses (one dock each)",
            ),
            ("cold_products", self.cold_products <= self.products, "must be at most products"),
            ("products", ambient <= AMBIENT_NAMES, f"at most {AMBIENT_NAMES} may be ambient"),
            (
                "products",
                self.machines == 0 or ambient > 0,
                "machines need an ambient product (cold_products < products)",
            ),
            ("reefers", self.reefers <= self.vehicles, "must be at most vehicles"),
            (
                "reefers",
                self.reefers > 0 or self.cold_products == 0,
                "must be at least 1 when cold_products > 0",
            ),
            ("vehicles", self.vehicles >= self.warehouses, "must be at least warehouses"),
            ("regions", self.regions <= self.customers, "must be at most customers"),
            (
                "lead_max_days",
                self.lead_max_days >= self.lead_min_days,
                "must be at least lead_min_days",
            ),
            (
                "make_share",
                self.machines == 0 or self.make_share > 0,
                "must be above 0 when machines > 0",
            ),
            (
                "cold_hours_out",
                self.cold_hours_out == 0 or self.cold_hours_out >= 1,
                "must be 0 (no limit) or at least 1",
            ),
            (
                "disruption_day",
                self.disruption_day is None or self.disruption_day < self.days,
                "must be before days",
            ),
            (
                "disruptions",
                "machine_degradation" not in kinds or self.machines > 0,
                "machine_degradation needs machines",
            ),
            (
                "disruptions",
                "reefer_failure" not in kinds or self.reefers > 0,
                "reefer_failure needs reefers",
            ),
        ]


def resolve_knobs(defaults: Mapping[str, Any], overrides: Mapping[str, str]) -> Knobs:
    """A family's knob values with the user's text overrides on top, validated.

    Raises:
        KnobError: an override names no knob, or a value or combination is bad.
    """
    for key in overrides:
        if key not in Knobs.model_fields:
            raise KnobError(key, f"no such knob; known: {', '.join(Knobs.model_fields)}")
    try:
        return Knobs.model_validate({**defaults, **overrides})
    except ValidationError as exc:
        err = exc.errors()[0]
        ctx = err.get("ctx") or {}
        if err["type"] == "knob":
            raise KnobError(str(ctx["key"]), str(ctx["reason"])) from exc
        key = str(err["loc"][0]) if err["loc"] else "knobs"
        raise KnobError(key, f"{err['msg']} (got {err['input']!r})") from exc


@dataclass(frozen=True)
class KnobInfo:
    """One knob as `supplysync scenario families` lists it."""

    name: str
    type: str
    default: str
    range: str
    description: str


def knob_table() -> list[KnobInfo]:
    """Every knob with its type, default, range and meaning, in model order."""
    out = []
    for name, info in Knobs.model_fields.items():
        low = next((m.ge for m in info.metadata if isinstance(m, annotated_types.Ge)), None)
        high = next((m.le for m in info.metadata if isinstance(m, annotated_types.Le)), None)
        kind = _type_name(info.annotation)
        bounds = f"{low}..{high}" if low is not None else ""
        out.append(KnobInfo(name, kind, format_value(info.default), bounds, info.description or ""))
    return out


def format_value(value: Any) -> str:
    """A knob value as it would be written after `--set key=`."""
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return ",".join(value) or "none"
    return str(value)


def _type_name(annotation: Any) -> str:
    if annotation in (int, float):
        return str(annotation.__name__)
    args = get_args(annotation)
    if typing.get_origin(annotation) is Literal:
        return "|".join(args)
    if typing.get_origin(annotation) is tuple:
        return "kinds"
    if isinstance(annotation, types.UnionType):
        return f"{_type_name(args[0])}|none"
    return str(annotation)
