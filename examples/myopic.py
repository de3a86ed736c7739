"""A myopic MILP: the project's optimizer, planning only the next few periods.

Run it beside the built-in loop, which plans the scenario's whole horizon:

    PYTHONPATH=examples supplysync demo --policies milp,myopic:Myopic[horizon_periods=1]

It shows what a policy outside the project needs: a class with a ``plan``
method (`supplysync.policy.PlanningPolicy`) and, for parameters, a pydantic
``Params`` model. A fresh instance serves each run.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from optimizer import plan_milp
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


class Myopic:
    """Plan `horizon_periods` periods ahead instead of the scenario's whole window."""

    class Params(BaseModel):
        horizon_periods: int = Field(1, ge=1, le=60, description="periods planned ahead")

    def __init__(self, params: Params) -> None:
        self.params = params

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        periods = min(self.params.horizon_periods, snapshot.window.periods)
        window = snapshot.window.model_copy(update={"periods": periods})
        short = settings.model_copy(
            update={
                "horizon_periods": periods,
                "routed_periods": min(settings.routed_periods, periods),
            }
        )
        return plan_milp(
            snapshot.model_copy(update={"window": window}),
            short,
            plan_id=plan_id,
            policy="myopic",
            causes=causes,
        )
