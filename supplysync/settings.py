"""Runtime settings: how the system is deployed, as opposed to what it plans.

Read from keyword arguments or `SUPPLYSYNC_*` environment variables; every
field has a type, a default and a checked range.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal

from pydantic import Field

from supplysync.network import Frozen

Placement = Literal["auto", "per-asset", "sharded"]


class RuntimeSettings(Frozen):
    """Where agents live and how readings reach them.

    `placement="auto"` gives every asset its own actor up to
    `per_asset_limit` assets and shards above it. Measured here, one actor is
    a ~100 MB process that takes about a second to start on 2 cores (Ray
    starts two workers at a time), and each actor adds one call per batch: the
    demo's 18 assets run its three policies in ~38 s sharded and ~82 s
    per-asset, so the limit sits just below it.
    """

    placement: Placement = "auto"
    per_asset_limit: Annotated[int, Field(ge=1, le=10_000)] = 16
    shards: Annotated[int, Field(ge=1, le=256)] = 2
    batch_max_readings: Annotated[int, Field(ge=1, le=1_000_000)] = 1000
    batch_max_delay_ms: Annotated[float, Field(gt=0, le=10_000)] = 20.0
    ray_address: str | None = None
    db_url: str = "sqlite:///supplysync.db"
    snapshot_every: Annotated[int, Field(ge=1, le=10_000_000)] = 1000
    """Readings of one asset between two snapshots of its agent, when hosts keep them."""

    def resolved_placement(self, n_assets: int) -> Literal["per-asset", "sharded"]:
        """The concrete placement for a network of `n_assets` assets."""
        if self.placement != "auto":
            return self.placement
        return "per-asset" if n_assets <= self.per_asset_limit else "sharded"

    @classmethod
    def from_env(cls, **overrides: object) -> RuntimeSettings:
        """Settings from `SUPPLYSYNC_<FIELD>` variables, then explicit overrides."""
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = os.environ.get(f"SUPPLYSYNC_{name.upper()}")
            if raw is not None:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)
