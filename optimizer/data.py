"""Frozen, index-ready planning data derived once from a snapshot.

The builders read only this: sets, capacities per period, distances, which
warehouse can reach which customer, and demand by key. Deriving it once keeps
each builder a few loops long and lets a later incremental update rebuild
only the part of the data an offer changed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from optimizer.costs import CostModel
from optimizer.fleet import VehicleData, capacity_by_depot, fleet_of, parked_today, reach
from optimizer.geometry import road_km
from optimizer.targets import StockTarget, stock_targets
from supplysync.control import FreezeRoute
from supplysync.costs import CostRates, replacement_costs
from supplysync.network import Customer, Location, Network
from supplysync.offers import DemandLine, MachineOffer, NetworkSnapshot, VehicleOffer
from supplysync.planning import PlanningWindow
from supplysync.scenario import PlanningSettings, SolverSettings

LANDING_SLACK = timedelta(minutes=5)
"""How much later than the first departure a tracked shipment may land and still leave
with it: an estimate from a position and a speed agrees with the clock to minutes."""

Key2 = tuple[str, str]
Key3 = tuple[str, str, int]


@dataclass(frozen=True)
class MachineData:
    """One machine's productive hours per period and its maintenance choice.

    Attributes:
        capacity: hours per period after committed runs and, when no
            maintenance fits before the predicted failure, after the repair.
        maintenance_periods: periods in which the due maintenance may be
            scheduled (exactly one is chosen); empty when none is due.
        fails_after: the due period when maintenance is due but fits nowhere,
            so the plan works around the breakdown that follows it.
    """

    machine_id: str
    warehouse_id: str
    rates: Mapping[str, float]
    setup_hours: float
    current_product: str | None
    capacity: tuple[float, ...]
    maintenance_hours: float
    maintenance_periods: tuple[int, ...]
    fails_after: int | None

    def setup(self, product_id: str, period: int) -> float:
        """Setup hours of a run; none to continue the product already set up."""
        return 0.0 if period == 0 and product_id == self.current_product else self.setup_hours


@dataclass(frozen=True)
class PurchaseOption:
    """A live quote: at most `per_period` units ordered per period, all destinations.

    `first` is what is left of period 0 after orders already shipped in it.
    """

    supplier_id: str
    product_id: str
    per_period: float
    lead: int
    unit_price: float
    first: float

    def limit(self, period: int) -> float:
        """Units that may still be ordered in `period`."""
        return self.first if period == 0 else self.per_period


@dataclass(frozen=True)
class TargetPrices:
    """Per unit: tail demand unserved, a period under safety stock, the tail ending under it."""

    tail_short: float
    under: float
    end_safety: float


@dataclass(frozen=True)
class PlanningData:
    """Everything the builders, the result mapper and the baselines index by."""

    network: Network
    window: PlanningWindow
    costs: CostModel
    periods: tuple[int, ...]
    products: tuple[str, ...]
    cold: frozenset[str]
    warehouses: tuple[str, ...]
    customers: Mapping[str, Customer]
    machines: tuple[MachineData, ...]
    vehicles: tuple[VehicleData, ...]
    offers: Mapping[str, VehicleOffer]
    fixed_routes: tuple[FreezeRoute, ...]
    purchases: tuple[PurchaseOption, ...]
    stock: Mapping[Key2, float]
    arrivals: Mapping[Key3, float]
    tail: Mapping[Key3, float]
    capacity_units: Mapping[str, float]
    cold_storage: Mapping[str, bool]
    holding: Mapping[str, float]
    penalty: Mapping[str, float]
    unit_cost: Mapping[str, float]
    reorder_point: Mapping[Key2, float]
    targets: Mapping[Key2, StockTarget]
    km: Mapping[Key2, float]
    arcs: tuple[Key2, ...]
    arc_set: frozenset[Key2]
    cold_arcs: frozenset[Key2]
    fleet_capacity: Mapping[tuple[str, int], float]
    cold_capacity: Mapping[tuple[str, int], float]
    demand: tuple[DemandLine, ...]
    demand_keys: Mapping[Key3, tuple[int, ...]]
    transfer_periods: int
    lanes: frozenset[Key2]
    routed_periods: int
    pricing_rounds: int
    solver: SolverSettings
    departure_hour: float
    first_departure_hour: float
    last_departure_hour: float
    now_hour: float
    notes: tuple[str, ...]

    def location(self, site_id: str) -> Location:
        return self.network.location_of(site_id)

    @cached_property
    def serving(self) -> Mapping[str, tuple[str, ...]]:
        """The warehouses that may serve each customer (`arcs`), by customer.

        Explaining every shortage looks this up per customer; scanning the
        arcs each time was a tenth of a replan's reading on M.
        """
        out: dict[str, list[str]] = defaultdict(list)
        for w, c in self.arcs:
            out[c].append(w)
        return {c: tuple(ws) for c, ws in out.items()}

    def departure(self, period: int) -> float:
        """Hour after the period start at which vehicles can leave.

        A replan after the usual departure can send vehicles out only from
        now on; planning them from the usual hour would make every route of
        the day late before it starts.
        """
        return self.first_departure_hour if period == 0 else self.departure_hour

    def line_penalty(self, line: DemandLine) -> float:
        """The objective's price per unit short of a demand line (`unit_penalty`)."""
        return self.unit_penalty(line.product_id, line.order_id, line.period)

    @cached_property
    def overdue(self) -> Mapping[str, int]:
        """Periods each overdue order has waited past its due period, by order id."""
        return {x.order_id: x.overdue for x in self.demand if x.order_id and x.overdue}

    def unit_penalty(self, product_id: str, order_id: str | None, period: int) -> float:
        """The objective's price per unit short: `unit_loss`, plus `urgency` per period sooner.

        Orders for today and tomorrow are often both firm at one penalty,
        and a unit kept a period earns `under` while stock is below its
        target. Priced alike, a plan keeps scarce stock for the buffer and
        serves tomorrow; the next replan, seeing the same choice, does the
        same, and the stock stays on the shelf while every day's orders go
        short. Each period sooner therefore costs `urgency` more, and so
        does each period an overdue order has waited (`DemandLine.overdue`):
        its customer drops it when its grace runs out, while today's order
        left short can still be served late.
        """
        later = len(self.periods) - 1 - period + self.overdue.get(order_id or "", 0)
        return self.unit_loss(product_id, order_id) + later * self.urgency[product_id]

    def line_loss(self, line: DemandLine) -> float:
        """What a unit short of a demand line costs: the figure shortages report."""
        return self.unit_loss(line.product_id, line.order_id)

    def unit_loss(self, product_id: str, order_id: str | None) -> float:
        """The network's penalty per unit short: full for firm orders, weighted for forecasts."""
        weight = 1.0 if order_id is not None else self.costs.forecast_weight
        return self.penalty[product_id] * weight

    @cached_property
    def urgency(self) -> Mapping[str, float]:
        """Per product, what a unit short costs more for each period sooner.

        More than a unit kept a period can earn (`under` less holding),
        by `CostModel.urgency_weight` of the penalty. Over the window it
        adds less than the margin between a forecast line and what a kept
        unit earns in all, plus that share per period.
        """
        return {
            p: self.target_prices(p).under + self.costs.urgency_weight * self.penalty[p]
            for p in self.products
        }

    def target_prices(self, product_id: str) -> TargetPrices:
        """What missing a stock target costs per unit (`optimizer.tail`).

        All below a forecast line's penalty, so no plan keeps a buffer by
        leaving demand in the window unserved; and so is all a unit kept
        earns: `under` in every period of the window and the tail it is
        kept through, then `tail_short` or `end_safety` at the end. The
        tail lasts as long as the slowest source takes, which a supplier's
        learned delay can stretch to weeks; there `under` is cut so the sum
        stays below the penalty, else a plan keeps goods on the shelf for
        the tail while today's orders go unserved.
        """
        base = self.penalty[product_id] * self.costs.forecast_weight
        cost = min(self.unit_cost[product_id], base)
        c = self.costs
        tail_short = base * c.end_cover_weight
        end_safety = cost + c.end_safety_weight * (base - cost)
        kept = len(self.periods) + max(
            (t.lead for (_, p), t in self.targets.items() if p == product_id), default=0
        )
        margin = base - max(tail_short, end_safety)
        under = max(base * c.buffer_weight, 2 * self.holding[product_id])
        return TargetPrices(
            tail_short=tail_short,
            under=min(under, margin / (kept + 1)),
            end_safety=end_safety,
        )

    def receives(self, warehouse_id: str, product_id: str) -> bool:
        """Whether new goods of a product may be sent to a warehouse."""
        return product_id not in self.cold or self.cold_storage[warehouse_id]


def planning_data(
    snapshot: NetworkSnapshot, settings: PlanningSettings, costs: CostModel | None = None
) -> PlanningData:
    """Derive the planning data of a snapshot (pure; reads no clock)."""
    net, periods = snapshot.network, tuple(range(snapshot.window.periods))
    hours_per_period = snapshot.window.period_hours
    offers = {w.warehouse_id: w for w in snapshot.warehouses}
    warehouses = tuple(w.id for w in net.warehouses)
    notes: list[str] = []
    machines = tuple(
        _machine(m, net, len(periods), hours_per_period, notes)
        for m in snapshot.machines
        if _known_plant(m, net, notes)
    )
    now_hour = (snapshot.taken_at - snapshot.window.start).total_seconds() / 3600.0
    first_departure_hour = max(settings.departure_hour, now_hour)
    vehicles = fleet_of(snapshot.vehicles, net, notes)
    if first_departure_hour > settings.last_departure + 1e-9:
        vehicles = parked_today(vehicles)
        notes.append(
            f"planned at {now_hour:.2f} h, after the last departure "
            f"({settings.last_departure:g} h): no new route leaves today"
        )
    customers = {c.id: c for c in net.customers}
    km = {
        (w, s): road_km(net.location_of(w), net.location_of(s))
        for w in warehouses
        for s in (*warehouses, *customers)
    }
    arcs, cold_arcs = reach(vehicles, customers, net, settings.departure_hour)
    demand = tuple(_demand(snapshot.demand, len(periods), net, notes))
    arrivals, tail, landed = _arrivals(
        snapshot,
        machines,
        len(periods),
        snapshot.window.start + timedelta(hours=first_departure_hour),
    )
    purchases = tuple(
        PurchaseOption(
            s.supplier_id,
            q.product_id,
            q.quantity_per_period,
            q.lead_time_periods,
            q.unit_price,
            q.quantity_per_period
            if q.quantity_first_period is None
            else min(q.quantity_first_period, q.quantity_per_period),
        )
        for s in snapshot.suppliers
        for q in s.quotes
        if q.quantity_per_period > 0
    )
    transfer_periods = math.ceil(settings.transfer_days * 24.0 / hours_per_period - 1e-9)
    lanes = _lanes(net, km, settings.transfer_lanes)
    cost_model = costs or CostModel()
    holding = {p.id: p.holding_cost_per_day * hours_per_period / 24.0 for p in net.products}
    cold = frozenset(p.id for p in net.products if p.cold_chain)
    cold_storage = {
        w.id: (offers[w.id].cold_storage_ok if w.id in offers else w.cold_storage)
        for w in net.warehouses
    }
    keys: dict[Key3, list[int]] = defaultdict(list)
    for i, line in enumerate(demand):
        keys[line.customer_id, line.product_id, line.period].append(i)
    return PlanningData(
        network=net,
        window=snapshot.window,
        costs=cost_model,
        periods=periods,
        products=tuple(p.id for p in net.products),
        cold=cold,
        warehouses=warehouses,
        customers=customers,
        machines=machines,
        vehicles=vehicles,
        offers={v.vehicle_id: v for v in snapshot.vehicles},
        fixed_routes=tuple(snapshot.fixed_routes),
        purchases=purchases,
        stock={
            (w, p): (offers[w].stock.get(p, 0.0) if w in offers else 0.0) + landed.get((w, p), 0.0)
            for w in warehouses
            for p in (q.id for q in net.products)
        },
        arrivals=arrivals,
        tail=tail,
        capacity_units={
            w.id: offers[w.id].capacity_units if w.id in offers else w.capacity_units
            for w in net.warehouses
        },
        cold_storage=cold_storage,
        holding=holding,
        penalty={p.id: p.shortage_penalty for p in net.products},
        unit_cost=replacement_costs(
            net, CostRates(production_per_hour=cost_model.production_per_hour)
        ),
        reorder_point={(w.id, p): q for w in net.warehouses for p, q in w.reorder_point.items()},
        targets=stock_targets(
            network=net,
            arcs=arcs,
            cold_arcs=cold_arcs,
            km=km,
            leads=_leads(
                machines=machines,
                purchases=purchases,
                lanes=lanes,
                transfer_periods=transfer_periods,
                warehouses=warehouses,
                cold=cold,
                cold_storage=cold_storage,
            ),
            cold=cold,
            period_hours=hours_per_period,
            demand_cv=cost_model.demand_cv if snapshot.demand_cv is None else snapshot.demand_cv,
            lead_sd=_lead_sd(net, machines, purchases, cost_model),
            holding=holding,
            levels=snapshot.demand_levels,
        ),
        km=km,
        arcs=arcs,
        arc_set=frozenset(arcs),
        cold_arcs=cold_arcs,
        fleet_capacity=capacity_by_depot(vehicles, periods),
        cold_capacity=capacity_by_depot(vehicles, periods, cold_only=True),
        demand=demand,
        demand_keys={k: tuple(v) for k, v in keys.items()},
        transfer_periods=transfer_periods,
        lanes=lanes,
        routed_periods=settings.routed_periods,
        pricing_rounds=settings.pricing_rounds,
        solver=settings.solver,
        departure_hour=settings.departure_hour,
        first_departure_hour=first_departure_hour,
        last_departure_hour=settings.last_departure,
        now_hour=now_hour,
        notes=tuple(notes),
    )


def _lanes(net: Network, km: Mapping[Key2, float], nearest: int) -> frozenset[Key2]:
    """(origin, destination) pairs transfers may use: nearest origins, and every plant's output."""
    ws = [w.id for w in net.warehouses]
    outputs = {p.output_warehouse_id for p in net.plants}
    lanes: set[Key2] = set()
    for d in ws:
        others = sorted((km[o, d], o) for o in ws if o != d)
        lanes.update((o, d) for _, o in others[:nearest])
        lanes.update((o, d) for o in outputs if o != d)
    return frozenset(lanes)


def _known_plant(offer: MachineOffer, net: Network, notes: list[str]) -> bool:
    known = any(p.id == offer.plant_id for p in net.plants)
    if not known:
        notes.append(f"machine offer {offer.machine_id} names unknown plant {offer.plant_id}")
    return known


def _machine(
    offer: MachineOffer, net: Network, n: int, period_hours: float, notes: list[str]
) -> MachineData:
    plant = next(p for p in net.plants if p.id == offer.plant_id)
    spec = next((m for m in net.machines if m.id == offer.machine_id), None)
    pad = spec.hours_per_day * period_hours / 24.0 if spec else 0.0
    cap = [offer.capacity_hours[t] if t < len(offer.capacity_hours) else pad for t in range(n)]
    for run in offer.committed:
        if run.period < n:
            cap[run.period] = max(0.0, cap[run.period] - run.hours)
    due, fails_after = offer.maintenance_due_period, None
    candidates: tuple[int, ...] = ()
    if due is not None and due < n:
        candidates = tuple(t for t in range(due + 1) if cap[t] >= offer.maintenance_hours)
        if not candidates:
            fails_after = due
            notes.append(f"{offer.machine_id}: no period before {due} fits maintenance")
            for t in range(due + 1, n):
                lost = min(
                    period_hours, max(0.0, offer.repair_hours - (t - due - 1) * period_hours)
                )
                cap[t] = max(0.0, cap[t] - lost)
    return MachineData(
        machine_id=offer.machine_id,
        warehouse_id=plant.output_warehouse_id,
        rates={p: r for p, r in offer.rates.items() if r > 0},
        setup_hours=offer.setup_hours,
        current_product=offer.current_product,
        capacity=tuple(cap),
        maintenance_hours=offer.maintenance_hours,
        maintenance_periods=candidates,
        fails_after=fails_after,
    )


def _demand(lines: list[DemandLine], n: int, net: Network, notes: list[str]) -> list[DemandLine]:
    products = {p.id for p in net.products}
    kept = []
    for line in lines:
        if line.product_id not in products:
            notes.append(f"demand for unknown product {line.product_id} ignored")
        elif line.period < n and line.quantity > 1e-9:
            kept.append(line)
    return kept


def _arrivals(
    snapshot: NetworkSnapshot, machines: tuple[MachineData, ...], n: int, ready_by: datetime
) -> tuple[dict[Key3, float], dict[Key3, float], dict[Key2, float]]:
    """Goods that land without a decision: by period in the window, after it, and landed.

    Shipments landing after the window still count toward the position it
    ends with; dropping them would make every replan order them again.
    A shipment tracked to land by `ready_by` (plus `LANDING_SLACK`), when
    the window's first vehicles can leave, is as good as on the shelf: a
    replan at 08:00 with the day's purchase orders landing at 08:00 would
    otherwise keep them off every route of the day, as if it were midnight.
    """
    out: dict[Key3, float] = defaultdict(float)
    tail: dict[Key3, float] = defaultdict(float)
    landed: dict[Key2, float] = defaultdict(float)
    for i in snapshot.inbound():
        if i.arrival_period == 0 and i.eta is not None and i.eta <= ready_by + LANDING_SLACK:
            landed[i.destination_id, i.product_id] += i.quantity
        elif i.arrival_period < n:
            out[i.destination_id, i.product_id, i.arrival_period] += i.quantity
        else:
            tail[i.destination_id, i.product_id, i.arrival_period] += i.quantity
    output = {m.machine_id: m.warehouse_id for m in machines}
    for m in snapshot.machines:
        for run in m.committed:
            if run.period < n and m.machine_id in output:
                out[output[m.machine_id], run.product_id, run.period] += run.quantity
    return dict(out), dict(tail), dict(landed)


def _lead_sd(
    net: Network,
    machines: tuple[MachineData, ...],
    purchases: tuple[PurchaseOption, ...],
    cost_model: CostModel,
) -> dict[str, float]:
    """How far each product's lead time may slip: further where it has a single source."""
    sources: dict[str, set[str]] = defaultdict(set)
    for quote in purchases:
        if quote.per_period > 0:
            sources[quote.product_id].add(quote.supplier_id)
    for m in machines:
        for p in m.rates:
            sources[p].add(m.machine_id)
    single, many = cost_model.single_source_lead_sd_periods, cost_model.lead_sd_periods
    return {p.id: single if len(sources[p.id]) == 1 else many for p in net.products}


def _leads(
    *,
    machines: tuple[MachineData, ...],
    purchases: tuple[PurchaseOption, ...],
    lanes: frozenset[Key2],
    transfer_periods: int,
    warehouses: tuple[str, ...],
    cold: frozenset[str],
    cold_storage: Mapping[str, bool],
) -> dict[Key2, int]:
    """Periods from a decision until goods can leave each warehouse: its fastest source.

    Goods landing in a period leave from the next one (vehicles go out
    before the day's output and arrivals land), hence the ``+ 1``. A
    warehouse with no source of its own takes a transfer from the nearest
    one that has a source.
    """
    direct: dict[Key2, int] = {}

    def offer(w: str, p: str, lead: int) -> None:
        if (p in cold and not cold_storage[w]) or lead >= direct.get((w, p), lead + 1):
            return
        direct[w, p] = lead

    for m in machines:
        for p in m.rates:
            offer(m.warehouse_id, p, 1)
    for quote in purchases:
        for w in warehouses:
            offer(w, quote.product_id, quote.lead + 1)
    leads = dict(direct)
    for origin, d in lanes:
        for (w, p), lead in direct.items():
            if w == origin and not (p in cold and not cold_storage[d]):
                via = lead + transfer_periods + 1
                if via < leads.get((d, p), via + 1):
                    leads[d, p] = via
    return leads
