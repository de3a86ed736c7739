"""The project's MILP with its soft prices as parameters: what a cost-model study tunes.

    PYTHONPATH=examples supplysync demo --policies milp,weighted:Weighted[end_cover_weight=0.5]

Every field of `optimizer.CostModel` is a parameter (its own validation
applies); the plan is made cold on every replan, so it is slower than the
built-in loop, which keeps its model warm between replans.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from optimizer import CostModel, plan_milp
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


class Weighted:
    """`plan_milp` with a `CostModel` made from the parameters."""

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid")
        forecast_weight: float = CostModel.forecast_weight
        end_cover_weight: float = CostModel.end_cover_weight
        end_safety_weight: float = CostModel.end_safety_weight
        buffer_weight: float = CostModel.buffer_weight
        lead_sd_periods: float = CostModel.lead_sd_periods

    def __init__(self, params: Params) -> None:
        self.costs = CostModel(**params.model_dump())

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        return plan_milp(
            snapshot,
            settings,
            plan_id=plan_id,
            policy="weighted",
            causes=causes,
            costs=self.costs,
            previous=previous,
        )
