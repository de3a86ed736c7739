"""The MILP planning on a demand forecast it learns from the orders it sees.

    PYTHONPATH=examples supplysync demo --policies milp,forecast:Learned[alpha=0.4]

The built-in loop forecasts the days no order covers yet as each
customer's nominal rate times its region's latest level. This policy
learns instead, per customer and product, from the firm orders in every
snapshot it is given: Holt's linear smoothing of the daily ordered
quantity (level ``alpha``, trend ``beta``), fitted one due day at a time
as the days close. The forecast lines of the snapshot (those without an
order id) get the learned level plus trend, never below zero; a pair with
no closed day yet keeps the snapshot's own forecast. The plan is the
project's MILP, kept warm between replans as the built-in loop's is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from optimizer.warm import WarmPlanner
from supplysync.offers import DemandLine, NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

Pair = tuple[str, str]


class Learned:
    """Holt-smoothed demand per customer and product in place of the snapshot's forecast."""

    class Params(BaseModel):
        alpha: float = Field(0.3, gt=0, le=1, description="weight of the newest day in the level")
        beta: float = Field(0.1, ge=0, le=1, description="weight of the newest change in the trend")

    def __init__(self, params: Params) -> None:
        self.params = params
        self.planner = WarmPlanner()
        self.ordered: dict[tuple[str, str, datetime], dict[str, float]] = {}
        self.fitted: dict[Pair, tuple[float, float]] = {}
        self.closed: dict[Pair, datetime] = {}

    def learn(self, snapshot: NetworkSnapshot) -> None:
        """Note the firm orders, then fold every due day that has passed into the fit."""
        window = snapshot.window
        for line in snapshot.demand:
            if line.order_id is not None:
                due = window.period_start(line.period)
                day = self.ordered.setdefault((line.customer_id, line.product_id, due), {})
                day[line.order_id] = max(day.get(line.order_id, 0.0), line.quantity)
        p = self.params
        for key in sorted(k for k in self.ordered if k[2] < window.start):
            customer, product, due = key
            pair = (customer, product)
            if pair in self.closed and due <= self.closed[pair]:
                continue
            x = sum(self.ordered.pop(key).values())
            level, trend = self.fitted.get(pair, (x, 0.0))
            new_level = p.alpha * x + (1 - p.alpha) * (level + trend)
            self.fitted[pair] = (new_level, p.beta * (new_level - level) + (1 - p.beta) * trend)
            self.closed[pair] = due

    def forecast(self, line: DemandLine, periods_ahead: int) -> float:
        level, trend = self.fitted[line.customer_id, line.product_id]
        return max(0.0, level + trend * periods_ahead)

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        self.learn(snapshot)
        scale = snapshot.window.period_hours / 24.0
        lines = [
            line.model_copy(update={"quantity": self.forecast(line, line.period + 1) * scale})
            if line.order_id is None and (line.customer_id, line.product_id) in self.fitted
            else line
            for line in snapshot.demand
        ]
        ours = snapshot.model_copy(update={"demand": lines})
        return self.planner.plan(
            ours, settings, plan_id=plan_id, policy="forecast", causes=causes, previous=previous
        )
