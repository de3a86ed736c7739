"""Tunables of every agent kind, each typed with a default and a checked range.

One frozen model serves all four kinds so that a deployment tunes agents in
one place (and ships them to Ray actors as one picklable value). Defaults
follow docs/sensors.md: ISO 10816-3 vibration zones, the simulator's wear
model, 15-minute sampling and daily planning periods.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from supplysync.network import SHIFT_START_HOUR
from supplysync.scenario import PlanningSettings

Minutes = Annotated[float, Field(gt=0, le=7 * 24 * 60)]
Hours = Annotated[float, Field(gt=0, le=24 * 60)]
Fraction = Annotated[float, Field(gt=0, le=1)]
HourOfDay = Annotated[float, Field(ge=0, lt=24)]
MmS = Annotated[float, Field(gt=0, le=100)]
Km = Annotated[float, Field(gt=0, le=1000)]
Percent = Annotated[float, Field(ge=0, le=100)]


class AgentSettings(BaseModel):
    """Thresholds, windows and margins the agents decide with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- every kind: sensors
    silence_minutes: Minutes = 90.0
    gap_grace_minutes: Minutes = Field(
        10.0,
        description="how long a gap in a device's sequence waits for late readings "
        "before what it misses counts as lost",
    )

    # --- machine: vibration zones, wear model, trend
    vibration_warn_mm_s: MmS = 2.8
    vibration_danger_mm_s: MmS = 7.1
    vibration_idle_mm_s: MmS = Field(0.5, description="below this a 'running' sample is idle")
    vibration_clear_fraction: Fraction = Field(
        0.9, description="a zone alarm re-arms below this fraction of the warn level"
    )
    wear_baseline_mm_s: MmS = Field(1.2, description="running vibration of a new machine")
    wear_gain_mm_s: MmS = Field(6.3, description="vibration added at full wear, (1-h)^2 scaled")
    health_samples: Annotated[int, Field(ge=1, le=100)] = 4
    trend_window_hours: Hours = Field(24.0, description="running hours of samples the fit uses")
    trend_min_samples: Annotated[int, Field(ge=3, le=10_000)] = 12
    trend_min_t: Annotated[float, Field(gt=0, le=100)] = Field(
        10.0, description="t-statistic a wear slope needs before a failure is predicted"
    )
    trend_refit_hours: Annotated[float, Field(ge=0, le=24)] = 0.5
    trend_max_samples: Annotated[int, Field(ge=10, le=100_000)] = 2000
    prediction_horizon_hours: Hours = Field(
        168.0, description="running hours ahead a failure may be predicted"
    )
    failure_safety_margin_hours: Annotated[float, Field(ge=0, le=720)] = 12.0
    derate_health: Fraction = 0.3
    derate_factor: Fraction = 0.75
    bearing_temp_max_c: Annotated[float, Field(gt=0, le=200)] = 75.0
    bearing_temp_clear_c: Annotated[float, Field(gt=0, le=200)] = 70.0
    shift_start_hour: HourOfDay = SHIFT_START_HOUR
    down_grace_minutes: Annotated[float, Field(ge=0, le=240)] = 30.0
    capacity_tolerance_hours: Annotated[float, Field(ge=0, le=24)] = 0.1

    # --- warehouse
    near_capacity_fraction: Fraction = 0.9
    near_capacity_clear_fraction: Fraction = 0.85
    humidity_max_percent: Percent = 70.0
    humidity_clear_percent: Percent = 65.0
    space_tolerance_units: Annotated[float, Field(ge=0)] = 1e-6

    # --- vehicle
    stop_reach_km: Km = 1.0
    stop_speed_kmh: Annotated[float, Field(ge=0, le=100)] = 10.0
    excursion_alert_minutes: Minutes = 15.0
    reefer_fault_minutes: Minutes = 30.0
    reefer_recovery_minutes: Minutes = 60.0
    eta_slip_minutes: Minutes = 30.0
    route_deviation_km: Km = 5.0
    door_open_minutes: Minutes = 30.0
    fuel_low_percent: Percent = 15.0
    fuel_clear_percent: Percent = 20.0
    vehicle_shift_start_hour: HourOfDay = Field(
        7.0,
        description="when vehicle shifts begin; run from a scenario, its "
        "planning.departure_hour (`following`)",
    )
    vehicle_last_departure_hour: HourOfDay | None = Field(
        None,
        description="after this hour an idle vehicle has no shift left today (no route "
        "leaves); run from a scenario, its planning.last_departure; None: no such hour",
    )
    load_tolerance_units: Annotated[float, Field(ge=0)] = 1e-6

    # --- supplier
    delivery_reach_km: Km = 1.0
    stationary_hours: Hours = 3.0
    late_eta_buffer_hours: Annotated[float, Field(ge=0, le=24 * 60)] = 24.0
    late_hold_quantile: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.5,
        description="how likely a held shipment's hold is planned to have ended by its "
        "estimated arrival (`agents.shipments`)",
    )
    quantity_tolerance_units: Annotated[float, Field(ge=0)] = 1e-6

    @model_validator(mode="after")
    def _levels_are_ordered(self) -> AgentSettings:
        pairs = (
            ("vibration_warn_mm_s", "vibration_danger_mm_s"),
            ("wear_baseline_mm_s", "vibration_danger_mm_s"),
            ("vibration_idle_mm_s", "wear_baseline_mm_s"),
            ("bearing_temp_clear_c", "bearing_temp_max_c"),
            ("near_capacity_clear_fraction", "near_capacity_fraction"),
            ("humidity_clear_percent", "humidity_max_percent"),
            ("fuel_low_percent", "fuel_clear_percent"),
        )
        for low, high in pairs:
            if getattr(self, low) >= getattr(self, high):
                raise ValueError(f"Expected {low} < {high}.")
        return self

    def following(self, planning: PlanningSettings) -> AgentSettings:
        """These settings with the vehicle shift of a scenario's planning.

        Vehicles start their shift at `planning.departure_hour` and take no
        new route after `planning.last_departure`, as the planner and the
        simulator's vehicles do; run from a scenario, agents get these.
        """
        return self.model_validate(
            self.model_dump()
            | {
                "vehicle_shift_start_hour": planning.departure_hour,
                "vehicle_last_departure_hour": planning.last_departure,
            }
        )

    @property
    def hold_ratio(self) -> float:
        """A held shipment's hold still to come, per hour held so far (`agents.shipments`)."""
        q = self.late_hold_quantile
        return q / (1.0 - q)
