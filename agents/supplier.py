"""`SupplierAgent`: quotes and shipments of one external supplier.

It quotes from the network's terms, tracks each accepted purchase order by
its tracker, and learns from delays: a late shipment lengthens the lead time
it quotes by the delay it has seen, which is how the planner learns to buy
from someone else while this supplier is slow. What the trackers teach is a
`SupplierMemory` that `agents.supplier_step.step` replaces for each reading;
this class is the `agents.base.Agent` around it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from agents.core import AgentCore
from agents.geo import site_point
from agents.settings import AgentSettings
from agents.shipments import Shipment
from agents.states import ShipmentState, SupplierState
from agents.supplier_memory import SupplierMemory
from agents.supplier_step import SupplierSetup, step
from supplysync.commands import AssignmentResponse, Command, SupplyOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import Inbound, LiveQuote, SupplierOffer
from supplysync.plan import PurchaseOrder
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading


class SupplierAgent(AgentCore[SupplierMemory]):
    """Live quotes and shipments of one supplier."""

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "supplier", network, settings)
        self.spec = network.supplier(asset_id)
        self._network = network
        self._quotes = {q.product_id: q for q in self.spec.quotes}
        self._setup = SupplierSetup(self.settings, self._alert)
        self.memory = SupplierMemory()

    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        landed = self.memory.delivered
        self.memory, raised = step(self.memory, reading, self._setup)
        if self.memory.delivered > landed:
            self._devices.retire(reading.device_id)
        alerts.extend(raised)

    @property
    def observed_delay_h(self) -> float:
        """The delay to allow for: the worst live estimate, else the last delivery's."""
        s = self.settings
        live = [
            sh.delay_h(s.late_eta_buffer_hours, s.hold_ratio)
            for sh in self.memory.shipments.values()
            if sh.late
        ]
        return max([self.memory.delivered_delay_h, *live])

    @property
    def held_from(self) -> datetime | None:
        """When the earliest shipment the delay is known from left: live holds, else the
        last late landing."""
        departs = [sh.departs for sh in self.memory.shipments.values() if sh.late]
        if self.memory.delivered_departs is not None:
            departs.append(self.memory.delivered_departs)
        return min(departs, default=None)

    def _late_eta(self, shipment: Shipment) -> datetime:
        return shipment.eta(self.settings.late_eta_buffer_hours, self.settings.hold_ratio)

    def _eta(self, shipment: Shipment, delay_h: float, held_from: datetime | None) -> datetime:
        """When `shipment` should arrive, given the supplier's `delay_h` to allow for.

        A late shipment has its own estimate. One still moving that left
        no earlier than the first held one (`held_from`) is expected that
        late too (its departure, the quoted lead time and the delay): a
        supplier holds its shipments for a common cause, and the next one
        has not yet reached where the last one stopped. One that left
        before it and still moves has passed that place: it keeps its
        promise.
        """
        if shipment.late:
            return self._late_eta(shipment)
        quote = self._quotes.get(shipment.order.product_id)
        if delay_h <= 0 or quote is None or held_from is None or shipment.departs < held_from:
            return shipment.promised
        due = shipment.departs + timedelta(hours=quote.lead_time_days * 24.0 + delay_h)
        return max(shipment.promised, due)

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> SupplierOffer:
        """Quotes per period of `window` (the current one net of what already shipped in it),
        and the goods already on the road."""
        ph = window.period_hours
        delay, held_from = self.observed_delay_h, self.held_from
        shipped_now: dict[str, float] = {}
        for sh in self.memory.shipments.values():
            if sh.shipped(now) and window.period_of(sh.departs) == 0:
                pid = sh.order.product_id
                shipped_now[pid] = shipped_now.get(pid, 0.0) + sh.order.quantity
        quotes = [
            LiveQuote(
                product_id=q.product_id,
                quantity_per_period=q.capacity_per_day * ph / 24.0,
                lead_time_periods=math.ceil((q.lead_time_days * 24.0 + delay) / ph - 1e-9),
                unit_price=q.unit_price,
                quantity_first_period=max(
                    0.0, q.capacity_per_day * ph / 24.0 - shipped_now.get(q.product_id, 0.0)
                ),
            )
            for q in self.spec.quotes
        ]
        inbound = [
            Inbound(
                shipment_id=po_id,
                product_id=sh.order.product_id,
                destination_id=sh.order.destination_id,
                quantity=sh.order.quantity,
                arrival_period=max(0, window.period_of(self._eta(sh, delay, held_from))),
                eta=sh.live_eta(),
            )
            for po_id, sh in self.memory.shipments.items()
            if sh.shipped(now)
        ]
        late = sorted(po_id for po_id, sh in self.memory.shipments.items() if sh.late)
        return SupplierOffer(
            supplier_id=self.asset_id, quotes=quotes, inbound=inbound, late_shipments=late
        )

    def review(self, command: Command) -> AssignmentResponse:
        """Reject orders beyond this period's capacity once committed orders are counted."""
        body = command.body
        if not isinstance(body, SupplyOrder):
            reasons = [f"a supplier takes supply orders, not {body.kind}"]
        else:
            reasons = self._order_problems(command, body.orders)
        return AssignmentResponse(
            asset_id=self.asset_id,
            plan_id=command.plan_id,
            accepted=not reasons,
            reason="; ".join(reasons),
        )

    def _order_problems(self, command: Command, orders: list[PurchaseOrder]) -> list[str]:
        window = command.window
        mine = [o for o in orders if o.supplier_id == self.asset_id]
        new_ids = {o.po_id for o in mine}
        committed: dict[tuple[str, int], float] = {}
        for po_id, sh in self.memory.shipments.items():
            period = window.period_of(sh.departs)
            if po_id not in new_ids and sh.shipped(command.issued_at) and period >= 0:
                key = (sh.order.product_id, period)
                committed[key] = committed.get(key, 0.0) + sh.order.quantity
        asked: dict[tuple[str, int], float] = {}
        reasons = []
        for o in mine:
            if site_point(self._network, o.destination_id) is None:
                reasons.append(f"{o.po_id}: unknown destination {o.destination_id}")
            asked[o.product_id, o.order_period] = (
                asked.get((o.product_id, o.order_period), 0.0) + o.quantity
            )
        for (product_id, period), quantity in sorted(asked.items()):
            quote = self._quotes.get(product_id)
            if quote is None:
                reasons.append(f"does not supply {product_id}")
                continue
            capacity = quote.capacity_per_day * window.period_hours / 24.0
            already = committed.get((product_id, period), 0.0)
            if quantity > capacity - already + self.settings.quantity_tolerance_units:
                reasons.append(
                    f"{product_id} period {period}: asks {quantity:.0f}, capacity "
                    f"{capacity:.0f} minus {already:.0f} committed leaves {capacity - already:.0f}"
                )
        return reasons

    def commit(self, command: Command) -> None:
        """Track the accepted orders; shipments already on the road are kept as they are."""
        if not isinstance(command.body, SupplyOrder):
            return
        window, now = command.window, command.issued_at
        kept = {po_id: sh for po_id, sh in self.memory.shipments.items() if sh.shipped(now)}
        for o in command.body.orders:
            destination = site_point(self._network, o.destination_id)
            if o.supplier_id != self.asset_id or destination is None or o.po_id in kept:
                continue
            kept[o.po_id] = Shipment(
                order=o,
                departs=window.period_start(o.order_period),
                promised=window.period_start(o.arrival_period),
                destination=destination,
            )
        self.memory = self.memory.replace(shipments=kept)

    def state(self) -> SupplierState:
        """Shipments on the road, lateness and the delay learned."""
        delay, held_from = self.observed_delay_h, self.held_from
        return SupplierState(
            asset_id=self.asset_id,
            kind="supplier",
            shipments={
                po_id: ShipmentState(
                    product_id=sh.order.product_id,
                    quantity=sh.order.quantity,
                    destination_id=sh.order.destination_id,
                    promised=sh.promised,
                    eta=self._eta(sh, delay, held_from),
                    late=sh.late,
                    hours_held=sh.held_h(),
                )
                for po_id, sh in self.memory.shipments.items()
            },
            delivered=self.memory.delivered,
            observed_delay_h=delay,
            devices=self._devices_state(),
        )
