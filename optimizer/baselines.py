"""The reorder-point policy: what a competent planner does without an optimizer.

Per warehouse and product whose stock position (on hand plus inbound) is
below its reorder point, order the order quantity: make it if a plant's
output lands here (first machine with the hours, today else tomorrow),
otherwise move it from the warehouse with most stock above its own reorder
point, otherwise buy it from the cheapest supplier. Due maintenance is done
in the first period it fits. Each customer is served from its nearest
warehouse (for cold-chain products the nearest one with a working reefer),
firm orders first come first served from projected stock, routed with the
same heuristic as the MILP plans. It is the yardstick the MILP must beat by
what it decides, so it uses the same data and never wastes stock on purpose.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

from optimizer.data import Key3, PlanningData, planning_data
from optimizer.routing import fleet_shortages, route_deliveries
from optimizer.sequence import sequenced
from supplysync.offers import MaintenanceWindow, NetworkSnapshot, ProductionRun
from supplysync.plan import (
    Delivery,
    Plan,
    PlanMaking,
    PlanMode,
    PlanStatus,
    PurchaseOrder,
    Shortage,
    Transfer,
)
from supplysync.scenario import PlanningSettings

EPS = 1e-6


class _Ledger:
    """Projected stock per warehouse, product and period as decisions are added."""

    def __init__(self, data: PlanningData) -> None:
        self.data = data
        self.flow: dict[Key3, float] = defaultdict(float, data.arrivals)

    def add(self, w: str, p: str, t: int, q: float) -> None:
        if t < len(self.data.periods):
            self.flow[w, p, t] += q

    def level(self, w: str, p: str, t: int) -> float:
        return self.data.stock[w, p] + sum(self.flow[w, p, s] for s in range(t + 1))

    def free(self, w: str, p: str, t: int) -> float:
        """Units that can leave in period t without any later period going negative."""
        return max(0.0, min(self.level(w, p, s) for s in range(t, len(self.data.periods))))

    def position(self, w: str, p: str) -> float:
        return self.level(w, p, len(self.data.periods) - 1)

    def on_order(self, w: str, p: str) -> float:
        """The inventory position: on hand plus everything on its way, in the window or after."""
        later = sum(q for (dw, dp, _), q in self.data.tail.items() if (dw, dp) == (w, p))
        return self.position(w, p) + later


def plan_reorder_point(
    snapshot: NetworkSnapshot,
    settings: PlanningSettings,
    *,
    plan_id: str,
    causes: Sequence[str] = (),
) -> Plan:
    """Plan by reorder points and nearest-warehouse service (status HEURISTIC)."""
    start = time.perf_counter()
    data = planning_data(snapshot, settings)
    ledger = _Ledger(data)
    hours = {(m.machine_id, t): m.capacity[t] for m in data.machines for t in data.periods}
    maintenance = _maintain(data, hours)
    production: list[ProductionRun] = []
    purchases: list[PurchaseOrder] = []
    transfers: list[Transfer] = []
    quota = {i: o.limit(0) for i, o in enumerate(data.purchases)}
    for w, p, asked in _requests(snapshot, data, ledger):
        q = min(asked, _space(data, ledger, w))
        if q <= EPS or not data.receives(w, p):
            continue
        run = _produce(data, hours, w=w, p=p, q=q)
        if run is not None:
            production.append(run)
            ledger.add(w, p, run.period, run.quantity)
            continue
        moved = _transfer(data, ledger, plan_id=plan_id, w=w, p=p, q=q)
        if moved is not None:
            transfers.append(moved)
            q -= moved.quantity
        bought = _buy(data, quota, plan_id=plan_id, w=w, p=p, q=q) if q > EPS else None
        if bought is not None:
            purchases.append(bought)
            ledger.add(w, p, bought.arrival_period, bought.quantity)
    deliveries, shortages = _serve(data, ledger)
    routing = route_deliveries(data, deliveries)
    return Plan(
        plan_id=plan_id,
        policy="reorder-point",
        created_at=snapshot.taken_at,
        window=snapshot.window,
        status=PlanStatus.HEURISTIC,
        solve_seconds=time.perf_counter() - start,
        production=sequenced(production, {m.machine_id: m.current_product for m in data.machines}),
        maintenance=maintenance,
        purchases=purchases,
        transfers=transfers,
        deliveries=routing.delivered,
        routes=routing.routes,
        shortages=shortages + fleet_shortages(data, routing.unplaced),
        causes=list(causes) or [a.alert_id for a in snapshot.causes],
        notes=list(data.notes),
        how=PlanMaking(mode=PlanMode.RULE),
    )


def _maintain(data: PlanningData, hours: dict[tuple[str, int], float]) -> list[MaintenanceWindow]:
    """Due maintenance in the first period it fits; its hours are taken off the machine."""
    out = []
    for m in data.machines:
        if m.maintenance_periods:
            t = m.maintenance_periods[0]
            hours[m.machine_id, t] -= m.maintenance_hours
            out.append(
                MaintenanceWindow(machine_id=m.machine_id, period=t, hours=m.maintenance_hours)
            )
    return out


def _requests(
    snapshot: NetworkSnapshot, data: PlanningData, ledger: _Ledger
) -> list[tuple[str, str, float]]:
    """(warehouse, product, quantity) below reorder point: the agent's requests, else the rule.

    Either way only where the inventory position, which counts purchase
    orders on their way (the warehouse's agent sees transfers to it, not
    those), is below the reorder point: an agent's request alone would order
    goods already on a supplier's truck once more on every replan before
    they land.
    """
    asked = {
        (o.warehouse_id, r.product_id): r.quantity
        for o in snapshot.warehouses
        for r in o.reorder_requests
    }
    out = []
    for wh in data.network.warehouses:
        for p in data.products:
            if p not in wh.reorder_point or ledger.on_order(wh.id, p) >= wh.reorder_point[p]:
                continue
            quantity = asked.get((wh.id, p), wh.order_quantity.get(p, wh.reorder_point[p]))
            out.append((wh.id, p, quantity))
    return out


def _space(data: PlanningData, ledger: _Ledger, w: str) -> float:
    return max(0.0, data.capacity_units[w] - sum(ledger.position(w, p) for p in data.products))


def _produce(
    data: PlanningData, hours: dict[tuple[str, int], float], *, w: str, p: str, q: float
) -> ProductionRun | None:
    """The order quantity on the first machine with the hours (today, else tomorrow)."""
    makers = [m for m in data.machines if m.warehouse_id == w and p in m.rates]
    slots = [(t, m) for t in data.periods[:2] for m in makers]
    for t, m in slots:
        need = m.setup(p, t) + q / m.rates[p]
        if hours[m.machine_id, t] >= need - EPS:
            hours[m.machine_id, t] -= need
            return ProductionRun(
                machine_id=m.machine_id, product_id=p, period=t, quantity=q, hours=need
            )
    for t, m in slots:
        room = hours[m.machine_id, t] - m.setup(p, t)
        if room > EPS:
            hours[m.machine_id, t] = 0.0
            made = round(room * m.rates[p], 3)
            return ProductionRun(
                machine_id=m.machine_id,
                product_id=p,
                period=t,
                quantity=made,
                hours=room + m.setup(p, t),
            )
    return None


def _transfer(
    data: PlanningData, ledger: _Ledger, *, plan_id: str, w: str, p: str, q: float
) -> Transfer | None:
    """Move stock today from the warehouse with most on hand above its reorder point."""
    excess = {
        o: ledger.free(o, p, 0) - data.reorder_point.get((o, p), 0.0)
        for o in data.warehouses
        if o != w
    }
    origin = max(sorted(excess), key=lambda o: excess[o], default=None)
    if origin is None or excess[origin] <= EPS:
        return None
    q = round(min(q, excess[origin]), 3)
    arrival = data.transfer_periods
    ledger.add(origin, p, 0, -q)
    ledger.add(w, p, arrival, q)
    return Transfer(
        transfer_id=f"{plan_id}/tr/{origin}/{w}/{p}/0",
        origin_id=origin,
        destination_id=w,
        product_id=p,
        quantity=q,
        ship_period=0,
        arrival_period=arrival,
    )


def _buy(
    data: PlanningData, quota: dict[int, float], *, plan_id: str, w: str, p: str, q: float
) -> PurchaseOrder | None:
    """Order today from the cheapest supplier quoting the product, within its quote."""
    quotes = [i for i, o in enumerate(data.purchases) if o.product_id == p and quota[i] > EPS]
    if not quotes:
        return None
    i = min(quotes, key=lambda i: (data.purchases[i].unit_price, data.purchases[i].lead))
    o, q = data.purchases[i], min(q, quota[i])
    quota[i] -= q
    return PurchaseOrder(
        po_id=f"{plan_id}/po/{o.supplier_id}/{p}/{w}/0",
        supplier_id=o.supplier_id,
        product_id=p,
        destination_id=w,
        quantity=round(q, 3),
        order_period=0,
        arrival_period=o.lead,
        unit_price=o.unit_price,
    )


def _serve(data: PlanningData, ledger: _Ledger) -> tuple[list[Delivery], list[Shortage]]:
    """Firm orders, first come first served, from the customer's nearest warehouse."""
    deliveries: list[Delivery] = []
    shortages: list[Shortage] = []
    firm = sorted(
        (d for d in data.demand if d.order_id is not None), key=lambda d: (d.period, d.order_id)
    )
    for d in firm:
        w = _nearest(data, d.customer_id, d.product_id)
        q = min(d.quantity, ledger.free(w, d.product_id, d.period)) if w is not None else 0.0
        if w is not None and q > EPS:
            ledger.add(w, d.product_id, d.period, -q)
            deliveries.append(
                Delivery(
                    customer_id=d.customer_id,
                    product_id=d.product_id,
                    warehouse_id=w,
                    period=d.period,
                    quantity=round(q, 3),
                    order_id=d.order_id,
                )
            )
        if d.quantity - q > 1e-3:
            short = d.quantity - q
            shortages.append(
                Shortage(
                    customer_id=d.customer_id,
                    product_id=d.product_id,
                    period=d.period,
                    quantity=round(short, 3),
                    penalty=round(short * data.line_loss(d), 2),
                    reason=f"no stock at {w}" if w else "no warehouse within a shift's reach",
                    binding=[w] if w else [],
                )
            )
    return deliveries, shortages


def _nearest(data: PlanningData, customer: str, product: str) -> str | None:
    """The nearest warehouse whose vehicles reach the customer (a working reefer if cold)."""
    arcs = data.cold_arcs if product in data.cold else frozenset(data.arcs)
    near = sorted((data.km[w, c], w) for w, c in arcs if c == customer)
    return near[0][1] if near else None
