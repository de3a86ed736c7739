"""An (s, S) rule: each warehouse's reorder level and order-up-to level from exact optima.

    PYTHONPATH=examples supplysync demo --policies reorder_point,ss:SS[order_cost=200]

Per warehouse and product the policy derives, from the network alone, the
daily demand its nearest customers place (`evaluation.tables`: mean and
spread) and the lead time of its usual source, and computes the (s, S)
pair of least expected cost per day (`optimizer.inventory.optimal_s_s`,
Zheng and Federgruen) with the product's holding cost and shortage
penalty and a fixed cost per order (`order_cost`, the one parameter a
network does not state). The project's reorder-point rule then executes it
(`optimizer.plan_reorder_point`): where the position (on hand plus on its
way, as the snapshot tells it) is at or below s, the warehouse asks for S
minus the position. It reviews on the daily tick and, as the rule does,
when a warehouse reports stock below its reorder point: reviewed only once
a day, the tuned example costs 15 % more than the scenarios' own reorder
points on held-out seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, Field

from evaluation.tables import lead_days, warehouse_demand
from optimizer import plan_reorder_point
from optimizer.inventory import Optimum, normal_pmf, optimal_s_s
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot, ReorderRequest
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings


class SS:
    """Exact (s, S) levels per warehouse and product, executed by the reorder-point rule."""

    trigger_kinds = ("below_reorder_point",)

    class Params(BaseModel):
        order_cost: float = Field(100.0, ge=0, description="fixed cost of one order")
        demand_cv: float = Field(0.15, gt=0, le=2, description="daily demand's spread / mean")

    def __init__(self, params: Params) -> None:
        self.params = params
        self._levels: dict[tuple[str, str], Optimum] = {}
        self._for: Network | None = None

    def levels(self, network: Network, transfer_days: int) -> dict[tuple[str, str], Optimum]:
        """(s, S) per (warehouse, product) a customer is served from (computed once a network)."""
        if self._for is not network:
            self._levels, self._for = {}, network
            for (w, p), d in sorted(warehouse_demand(network, self.params.demand_cv).items()):
                if d.mean < 1:
                    continue
                lead = lead_days(network, network.warehouse(w), p, transfer_days)
                sd = max(d.sd, 0.5)
                product = network.product(p)
                self._levels[w, p] = optimal_s_s(
                    h=max(product.holding_cost_per_day, 1e-6),
                    p=product.shortage_penalty,
                    K=self.params.order_cost,
                    pmf=normal_pmf(d.mean, sd),
                    lead_pmf=normal_pmf(d.mean * (lead + 1), sd * math.sqrt(lead + 1)),
                )
        return self._levels

    @staticmethod
    def positions(snapshot: NetworkSnapshot) -> dict[tuple[str, str], float]:
        """Units on hand plus on their way, per (warehouse, product), each shipment once."""
        position: dict[tuple[str, str], float] = {}
        for o in snapshot.warehouses:
            for p, units in o.stock.items():
                position[o.warehouse_id, p] = position.get((o.warehouse_id, p), 0.0) + units
        for i in snapshot.inbound():
            key = (i.destination_id, i.product_id)
            position[key] = position.get(key, 0.0) + i.quantity
        return position

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        levels = self.levels(snapshot.network, settings.transfer_days)
        warehouses = [
            w.model_copy(
                update={
                    "reorder_point": {
                        p: best.reorder_at + 1 for (wid, p), best in levels.items() if wid == w.id
                    },
                    "order_quantity": {
                        p: best.order_up_to - best.reorder_at
                        for (wid, p), best in levels.items()
                        if wid == w.id
                    },
                }
            )
            for w in snapshot.network.warehouses
        ]
        network = snapshot.network.model_copy(update={"warehouses": warehouses})
        position = self.positions(snapshot)
        offers = [
            o.model_copy(
                update={
                    "reorder_requests": [
                        ReorderRequest(product_id=p, quantity=best.order_up_to - position[w, p])
                        for (w, p), best in sorted(levels.items())
                        if w == o.warehouse_id and position.get((w, p), 0.0) <= best.reorder_at
                    ]
                }
            )
            for o in snapshot.warehouses
        ]
        ours = snapshot.model_copy(update={"network": network, "warehouses": offers})
        plan = plan_reorder_point(ours, settings, plan_id=plan_id, causes=causes)
        return plan.model_copy(update={"policy": "ss"})
