"""The agents' snapshot with the run's future told: what the hindsight policy plans from.

`foresee` edits a snapshot the way `replan.overrides` does, so the
optimizer needs no notion of an oracle. What the agents sense now (stock,
health, loads, shipments on the road) stays theirs; what the scenario and
its seed will do (`adapters.simulator.oracle.Oracle`) replaces their
guesses about the future:

- demand: the firm orders the book holds (what is left of them), plus every
  order customers will send later in the window, as firm lines; forecast
  lines go, and so do the book's demand levels: the window runs to the
  run's end, and its tail, after the run, where nothing is scored, expects
  the customers' rates (a spike's level there only buys stock the run
  ends with);
- suppliers: each quote's lead time is the real one for an order leaving
  now (a delay in force holds it on its way), and shipments this policy
  placed arrive in the period they will really land in;
- warehouses: the unannounced receipts still to come are inbound;
- vehicles: a reefer whose cooling fails during the period's trip carries
  no cold-chain goods;
- machines: maintenance is due now when the machine would fail in this
  period if it worked every shift hour at the wear the scenario gives it
  (from the health its agent reads), and not before.

The snapshot speaks in single values where the world varies by period: a
quote has one lead time and a vehicle one cooling state for the whole
window. They are told as they are for period 0, the only period whose
decisions are carried out before the next daily replan; later periods of a
plan are planned with period 0's values and corrected the next day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.simulator.oracle import Oracle
from supplysync.offers import (
    DemandLine,
    Inbound,
    MachineOffer,
    NetworkSnapshot,
    SupplierOffer,
    VehicleOffer,
    WarehouseOffer,
)
from supplysync.planning import PlanningWindow

HEALTH_MARGIN = 0.05
"""Health taken off the agents' estimate before predicting a failure: the
oracle knows how fast a machine wears, but its health now is what the agent
reads from vibration, a few hundredths off near the baseline (agents.health)."""


@dataclass(frozen=True)
class Promise:
    """A purchase order this policy placed: when it leaves and the day it was promised for.

    The simulator lands it at 08:00 of the promised day (or as soon as a
    truck can drive there), and under a delay in force when it left not
    before the delay after the supplier's own terms (`Oracle.arrival`).
    """

    supplier_id: str
    product_id: str
    destination_id: str
    ship: datetime
    promised: datetime


def foresee(
    snapshot: NetworkSnapshot,
    oracle: Oracle,
    *,
    departure_hour: float,
    promises: Mapping[str, Promise] | None = None,
) -> NetworkSnapshot:
    """The snapshot as the hindsight planner sees it; idempotent.

    Args:
        snapshot: what the agents offered (after any withdrawal).
        oracle: what the run will do.
        departure_hour: when vehicles leave (`PlanningSettings.departure_hour`).
        promises: the purchase orders this policy placed, by id.
    """
    held = held_periods(snapshot, oracle)
    return snapshot.model_copy(
        update={
            "demand": _demand(snapshot, oracle),
            "demand_levels": {},
            "suppliers": [
                _supplier(s, snapshot, oracle, held, promises or {}) for s in snapshot.suppliers
            ],
            "warehouses": _warehouses(snapshot, oracle),
            "vehicles": [_vehicle(v, snapshot, oracle, departure_hour) for v in snapshot.vehicles],
            "machines": [_machine(m, snapshot, oracle) for m in snapshot.machines],
        }
    )


def held_periods(snapshot: NetworkSnapshot, oracle: Oracle) -> dict[tuple[str, str], int]:
    """Periods a delay adds to an order leaving now, by (supplier, product), where it adds any.

    The quote's own lead is the supplier's terms (`lead_time_days`), the
    date a purchase order promises; the goods land that many periods later
    than the promise.
    """
    window, ship = snapshot.window, snapshot.taken_at
    out: dict[tuple[str, str], int] = {}
    for offer in snapshot.suppliers:
        spec = snapshot.network.supplier(offer.supplier_id)
        for quote in spec.quotes:
            promised = window.period_start(_terms(quote.lead_time_days, window.period_hours))
            on_time = oracle.landing(promised)
            late = window.period_of(on_time + oracle.hold(offer.supplier_id, ship)) - (
                window.period_of(on_time)
            )
            if late > 0:
                out[offer.supplier_id, quote.product_id] = late
    return out


def _terms(lead_time_days: float, period_hours: float) -> int:
    return math.ceil(lead_time_days * 24.0 / period_hours - 1e-9)


def _demand(snapshot: NetworkSnapshot, oracle: Oracle) -> list[DemandLine]:
    """The book's firm lines, and the orders still to come in the window, firm too."""
    window = snapshot.window
    lines = [line for line in snapshot.demand if line.order_id is not None]
    known = {line.order_id for line in lines}
    for order in oracle.orders_after(snapshot.taken_at):
        period = max(0, window.period_of(order.due))
        if period < window.periods and order.order_id not in known:
            lines.append(
                DemandLine(
                    customer_id=order.customer_id,
                    product_id=order.product_id,
                    period=period,
                    quantity=order.quantity,
                    order_id=order.order_id,
                )
            )
    return lines


def _supplier(
    offer: SupplierOffer,
    snapshot: NetworkSnapshot,
    oracle: Oracle,
    held: Mapping[tuple[str, str], int],
    promises: Mapping[str, Promise],
) -> SupplierOffer:
    window = snapshot.window
    terms = {
        q.product_id: q.lead_time_days for q in snapshot.network.supplier(offer.supplier_id).quotes
    }
    quotes = [
        q.model_copy(
            update={
                "lead_time_periods": _terms(terms[q.product_id], window.period_hours)
                + held.get((offer.supplier_id, q.product_id), 0)
            }
        )
        if q.product_id in terms
        else q
        for q in offer.quotes
    ]
    inbound = [_landing(i, window, oracle, promises.get(i.shipment_id)) for i in offer.inbound]
    return offer.model_copy(update={"quotes": quotes, "inbound": inbound})


def _landing(
    item: Inbound, window: PlanningWindow, oracle: Oracle, promise: Promise | None
) -> Inbound:
    """A shipment this policy placed arrives when it really lands; others as the agent says."""
    if promise is None:
        return item
    lands = oracle.arrival(
        promise.supplier_id,
        promise.product_id,
        promise.destination_id,
        promise.ship,
        promise.promised,
    )
    return item.model_copy(update={"arrival_period": max(0, window.period_of(lands))})


def _warehouses(snapshot: NetworkSnapshot, oracle: Oracle) -> list[WarehouseOffer]:
    """Each warehouse offer with the surges still to land in the window as inbound."""
    window = snapshot.window
    coming: dict[str, list[Inbound]] = {}
    for surge in oracle.surges():
        period = window.period_of(surge.at)
        if surge.at > snapshot.taken_at and 0 <= period < window.periods:
            coming.setdefault(surge.warehouse_id, []).append(
                Inbound(
                    shipment_id=surge.lot,
                    product_id=surge.product_id,
                    destination_id=surge.warehouse_id,
                    quantity=surge.quantity,
                    arrival_period=period,
                )
            )
    out = []
    for offer in snapshot.warehouses:
        have = {i.shipment_id for i in offer.inbound}
        extra = [i for i in coming.get(offer.warehouse_id, []) if i.shipment_id not in have]
        out.append(
            offer.model_copy(update={"inbound": [*offer.inbound, *extra]}) if extra else offer
        )
    return out


def _vehicle(
    offer: VehicleOffer, snapshot: NetworkSnapshot, oracle: Oracle, departure_hour: float
) -> VehicleOffer:
    """A reefer that will fail during this period's trip offers no cooling.

    The oracle only takes cooling away, never gives it back before the
    agent does: a vehicle refuses cold loads for any day of the plan while
    its own box reads out of range, and a refusal withdraws the whole
    vehicle. One flag covers the window, so a reefer out today is planned
    out for the days after too, and the replan of the day it works again
    finds no cold stock bought for its depot.
    """
    if not offer.refrigeration_ok:
        return offer
    spec = snapshot.network.vehicle(offer.vehicle_id)
    if not (offer.refrigerated or spec.refrigerated):
        return offer
    leaves = snapshot.window.start + timedelta(hours=departure_hour)
    back = leaves + timedelta(hours=spec.shift_hours)
    if oracle.reefer_out(offer.vehicle_id, max(leaves, snapshot.taken_at), back):
        return offer.model_copy(update={"refrigeration_ok": False})
    return offer


def _machine(offer: MachineOffer, snapshot: NetworkSnapshot, oracle: Oracle) -> MachineOffer:
    """Maintenance due now if the machine would fail in this period, else none.

    The machine's own prediction is replaced: the oracle knows how fast it
    will wear. Maintenance is asked for at the last moment it can be: the
    model maintains as early as it has room (`CostModel.maintenance_delay`),
    and every early one spends a visit and hours of health; a machine that
    fails only in a later period is maintained by the replan of that day.
    """
    if offer.down:
        return offer
    fails = oracle.failure_at(offer.machine_id, offer.health - HEALTH_MARGIN, snapshot.taken_at)
    if fails is None or snapshot.window.period_of(fails) > 0:
        return offer.model_copy(
            update={"maintenance_due_period": None, "predicted_failure_at": fails}
        )
    return offer.model_copy(update={"maintenance_due_period": 0, "predicted_failure_at": fails})
