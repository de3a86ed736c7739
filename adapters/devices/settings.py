"""How the fleet runs: pace, QoS, batching and reconnect, each checked."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from supplysync.clock import MAX_SPEED
from supplysync.network import Frozen


class FleetSettings(Frozen):
    """Tunables of `Fleet`.

    `speed` is simulated seconds per wall second (1 is real time). The
    simulator is worked a step ahead and what it produces is published when
    the fleet's clock reaches its time (`Fleet._pace`), looking at the clock
    every `tick_s` of wall time at most; what falls due together goes out as
    one `GatewayMessage` per asset and channel of at most `max_batch`
    readings, as a device gateway forwards what its sensors buffered. State-changing readings go
    on `events` at QoS 1 always; `telemetry_qos` sets the high-rate rest.
    """

    speed: Annotated[float, Field(gt=0, le=MAX_SPEED)] = 1.0
    tick_s: Annotated[float, Field(gt=0, le=3600)] = 1.0
    telemetry_qos: Literal[0, 1] = 0
    max_batch: Annotated[int, Field(ge=1, le=10_000)] = 500
    outbox: Annotated[int, Field(ge=1, le=1_000_000)] = 1000
    connect_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    backoff_min_s: Annotated[float, Field(gt=0, le=60)] = 0.5
    backoff_max_s: Annotated[float, Field(gt=0, le=3600)] = 30.0
    drain_timeout_s: Annotated[float, Field(ge=0, le=600)] = 5.0
    keepalive_s: Annotated[int, Field(ge=5, le=3600)] = 60

    @model_validator(mode="after")
    def _backoff_ordered(self) -> FleetSettings:
        if self.backoff_max_s < self.backoff_min_s:
            raise ValueError("Expected backoff_max_s >= backoff_min_s.")
        return self
