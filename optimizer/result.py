"""Map a solved model to the parts of a `Plan`.

Quantities below 1e-6 are dropped and the rest rounded to 1/1000 of a unit
(the model is continuous; anything finer is solver noise). Deliveries are
split back onto demand lines, firm orders first, so every firm delivery
carries its order id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from optimizer.bottleneck import Usage, explain, value
from optimizer.data import PlanningData
from optimizer.decisions import Decisions
from optimizer.sequence import sequenced
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import Delivery, PurchaseOrder, Shortage, Transfer

EPS = 1e-6


def qty(x: float) -> float:
    """Round a quantity for the plan."""
    return round(x, 3)


@dataclass(frozen=True)
class PlanParts:
    """The decisions of a plan, before routing."""

    production: list[ProductionRun] = field(default_factory=list)
    maintenance: list[MaintenanceWindow] = field(default_factory=list)
    purchases: list[PurchaseOrder] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_parts(model: Decisions, data: PlanningData, plan_id: str) -> PlanParts:
    """Read the decisions out of a model whose solution is loaded."""
    machines = {m.machine_id: m for m in data.machines}
    production = [
        ProductionRun(
            machine_id=m,
            product_id=p,
            period=t,
            quantity=qty(q),
            hours=round(q / machines[m].rates[p] + machines[m].setup(p, t), 3),
        )
        for (m, p, t) in model.make
        if (q := value(model.make[m, p, t])) > EPS
    ]
    production = sequenced(production, {m.machine_id: m.current_product for m in data.machines})
    maintenance = [
        MaintenanceWindow(machine_id=m, period=t, hours=machines[m].maintenance_hours)
        for (m, t) in model.maint
        if value(model.maint[m, t]) > 0.5
    ]
    purchases = []
    for i, w, t in model.buy:
        if (q := value(model.buy[i, w, t])) > EPS:
            o = data.purchases[i]
            purchases.append(
                PurchaseOrder(
                    po_id=f"{plan_id}/po/{o.supplier_id}/{o.product_id}/{w}/{t}",
                    supplier_id=o.supplier_id,
                    product_id=o.product_id,
                    destination_id=w,
                    quantity=qty(q),
                    order_period=t,
                    arrival_period=t + o.lead,
                    unit_price=o.unit_price,
                )
            )
    transfers = [
        Transfer(
            transfer_id=f"{plan_id}/tr/{o}/{d}/{p}/{t}",
            origin_id=o,
            destination_id=d,
            product_id=p,
            quantity=qty(q),
            ship_period=t,
            arrival_period=t + data.transfer_periods,
        )
        for (o, d, p, t) in model.move
        if (q := value(model.move[o, d, p, t])) > EPS
    ]
    notes = [
        f"{m.machine_id} is predicted to fail after period {m.fails_after} and no maintenance "
        "fits before; planned around its repair"
        for m in data.machines
        if m.fails_after is not None
    ]
    return PlanParts(
        production=production,
        maintenance=maintenance,
        purchases=purchases,
        transfers=transfers,
        deliveries=_deliveries(model, data),
        shortages=_shortages(model, data),
        notes=notes,
    )


def _deliveries(model: Decisions, data: PlanningData) -> list[Delivery]:
    """Split each customer/product/period's shipments onto its demand lines."""
    sent: dict[tuple[str, str, int], list[tuple[str, float]]] = defaultdict(list)
    for w, c, p, t in model.ship:
        if (q := value(model.ship[w, c, p, t])) > EPS:
            sent[c, p, t].append((w, q))
    out: list[Delivery] = []
    for (c, p, t), shipments in sorted(sent.items()):
        lines = sorted(data.demand_keys[c, p, t], key=lambda i: data.demand[i].order_id is None)
        need = [data.demand[i].quantity - value(model.short[i]) for i in lines]
        k = 0
        for w, sent_q in sorted(shipments):
            q = sent_q
            while q > EPS:
                while k < len(lines) - 1 and need[k] <= EPS:
                    k += 1
                take = q if k == len(lines) - 1 else min(q, need[k])
                need[k] -= take
                q -= take
                out.append(
                    Delivery(
                        customer_id=c,
                        product_id=p,
                        warehouse_id=w,
                        period=t,
                        quantity=qty(take),
                        order_id=data.demand[lines[k]].order_id,
                    )
                )
    return [d for d in out if d.quantity > 0]


def _shortages(model: Decisions, data: PlanningData) -> list[Shortage]:
    usage = Usage.of(model, data)
    out = []
    for (c, p, t), lines in sorted(data.demand_keys.items()):
        short = [(value(model.short[i]), data.line_loss(data.demand[i])) for i in lines]
        quantity = qty(sum(s for s, _ in short))
        if quantity <= 0:
            continue
        reason, binding = explain(usage, data, c, p, t)
        out.append(
            Shortage(
                customer_id=c,
                product_id=p,
                period=t,
                quantity=quantity,
                penalty=round(sum(s * unit for s, unit in short), 2),
                reason=reason,
                binding=binding,
            )
        )
    return out
