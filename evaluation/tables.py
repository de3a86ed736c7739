"""Reorder points and order quantities derived from a network's demand and leads.

The reorder-point rule (`optimizer.baselines`) serves each customer from its
nearest warehouse and, below a warehouse's reorder point, orders its order
quantity from the first source it finds: the plant whose output lands there,
else another warehouse's surplus, else the cheapest supplier. The tables here
follow the same reading, approximately (great-circle distance instead of the
planner's road reach, and no demand spikes):

- each customer's demand for a product goes to the nearest warehouse with a
  vehicle based there (for a cold-chain product: with cold storage and a
  refrigerated vehicle; any warehouse that may hold it when none has one);
- per warehouse and product, daily demand has mean μ (the sum of the
  customers' rates) and standard deviation σ = cv·sqrt(Σ rate²), the
  simulator drawing each customer's order independently with coefficient of
  variation `demand_cv`;
- the lead time L is 1 day when a machine of a plant whose output lands at
  the warehouse makes the product, else the cheapest supplier's lead time,
  else the planning's `transfer_days` (only transfers can bring it);
- with a review period R of one day, reorder point = μ(L+R) + z·σ·sqrt(L+R)
  and order quantity = max(μ·cover_days, 1).

A warehouse-product no customer is served from gets no entry: the rule never
orders it there, and the warehouse gives all of it up to transfers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from supplysync.network import Customer, Network, Warehouse
from supplysync.scenario import Scenario

REVIEW_DAYS = 1.0
PRODUCTION_LEAD_DAYS = 1.0


@dataclass(frozen=True)
class Demand:
    """Expected daily demand on one warehouse for one product, and its spread."""

    mean: float
    sd: float


@dataclass(frozen=True)
class ReorderTables:
    """Per warehouse, per product: reorder point and order quantity, in units."""

    reorder_point: Mapping[str, Mapping[str, float]]
    order_quantity: Mapping[str, Mapping[str, float]]


def serving_warehouse(network: Network, customer: Customer, product_id: str) -> str | None:
    """The warehouse the rule would serve `customer`'s `product_id` from (see module doc)."""
    cold = network.product(product_id).cold_chain
    may_hold = [w for w in network.warehouses if w.cold_storage or not cold]
    depots = {v.depot_id for v in network.vehicles if v.refrigerated or not cold}
    fleet = [w for w in may_hold if w.id in depots] or may_hold
    near = sorted((w.location.km_to(customer.location), w.id) for w in fleet)
    return near[0][1] if near else None


def warehouse_demand(network: Network, demand_cv: float) -> dict[tuple[str, str], Demand]:
    """μ and σ of daily demand per (warehouse, product) a customer is served from."""
    mean: dict[tuple[str, str], float] = defaultdict(float)
    square: dict[tuple[str, str], float] = defaultdict(float)
    for customer in network.customers:
        for product_id, rate in customer.demand_per_day.items():
            w = serving_warehouse(network, customer, product_id)
            if w is None or rate <= 0:
                continue
            mean[w, product_id] += rate
            square[w, product_id] += rate * rate
    return {k: Demand(mean=mean[k], sd=demand_cv * math.sqrt(square[k])) for k in mean}


def lead_days(network: Network, warehouse: Warehouse, product_id: str, transfer_days: int) -> float:
    """Days from the rule's order to its arrival at `warehouse` (see module doc)."""
    plants = {p.id for p in network.plants if p.output_warehouse_id == warehouse.id}
    if any(m.plant_id in plants and product_id in m.rates for m in network.machines):
        return PRODUCTION_LEAD_DAYS
    quotes = [q for s in network.suppliers for q in s.quotes if q.product_id == product_id]
    if quotes:
        cheapest = min(quotes, key=lambda q: (q.unit_price, q.lead_time_days))
        return float(cheapest.lead_time_days)
    return float(transfer_days)


def derive_tables(
    network: Network,
    *,
    demand_cv: float,
    transfer_days: int,
    z: float,
    cover_days: float,
) -> ReorderTables:
    """Reorder points and order quantities for safety factor `z` and `cover_days` of cover."""
    points: dict[str, dict[str, float]] = {w.id: {} for w in network.warehouses}
    quantities: dict[str, dict[str, float]] = {w.id: {} for w in network.warehouses}
    for (w, p), d in sorted(warehouse_demand(network, demand_cv).items()):
        span = lead_days(network, network.warehouse(w), p, transfer_days) + REVIEW_DAYS
        points[w][p] = round(d.mean * span + z * d.sd * math.sqrt(span), 3)
        quantities[w][p] = round(max(d.mean * cover_days, 1.0), 3)
    return ReorderTables(reorder_point=points, order_quantity=quantities)


def tables_for(scenario: Scenario, *, z: float, cover_days: float) -> ReorderTables:
    """`derive_tables` with the scenario's demand cv and transfer days."""
    return derive_tables(
        scenario.network,
        demand_cv=scenario.simulation.demand_cv,
        transfer_days=scenario.planning.transfer_days,
        z=z,
        cover_days=cover_days,
    )


def with_tables(scenario: Scenario, tables: ReorderTables) -> Scenario:
    """`scenario` with every warehouse's reorder tables replaced by `tables`."""
    warehouses = [
        w.model_copy(
            update={
                "reorder_point": dict(tables.reorder_point.get(w.id, {})),
                "order_quantity": dict(tables.order_quantity.get(w.id, {})),
            }
        )
        for w in scenario.network.warehouses
    ]
    network = Network.model_validate(
        scenario.network.model_copy(update={"warehouses": warehouses}).model_dump()
    )
    return scenario.model_copy(update={"network": network})
