"""`SupplierAgent`: quotes and shipments of one external supplier.

It quotes from the network's terms, tracks each accepted purchase order by
its tracker, and learns from delays: a late shipment lengthens the lead time
it quotes by the delay it has seen, which is how the planner learns to buy
from someone else while this supplier is slow.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from agents.alerts import reading_key
from agents.core import AgentCore
from agents.geo import Point, km_between, site_point
from agents.persist import iso, when
from agents.settings import AgentSettings
from agents.shipments import Shipment
from supplysync.commands import AssignmentResponse, Command, SupplyOrder
from supplysync.events import Alert, AlertKind, Severity
from supplysync.network import Network
from supplysync.offers import Inbound, LiveQuote, SupplierOffer
from supplysync.plan import PurchaseOrder
from supplysync.planning import PlanningWindow
from supplysync.readings import LocationReading, Reading


class SupplierAgent(AgentCore):
    """Live quotes and shipments of one supplier."""

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "supplier", network, settings)
        self.spec = network.supplier(asset_id)
        self._network = network
        self._quotes = {q.product_id: q for q in self.spec.quotes}
        self._shipments: dict[str, Shipment] = {}
        self._delivered_delay_h = 0.0
        self._delivered_departs: datetime | None = None
        self._delivered = 0

    # ------------------------------------------------------------------ readings
    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        if not isinstance(reading, LocationReading) or reading.shipment_id is None:
            return
        shipment = self._shipments.get(reading.shipment_id)
        if shipment is None:
            return
        s = self.settings
        pos: Point = (reading.lat, reading.lon)
        moving = reading.speed_kmh > 0
        if not moving and km_between(pos, shipment.destination) <= s.delivery_reach_km:
            self._deliver(shipment, reading)
            return
        shipment.fix(reading.ts, pos, reading.speed_kmh)
        if not shipment.late and shipment.held_now_h() >= s.stationary_hours:
            shipment.late = True
            alerts.append(self._late_alert(shipment, reading))

    def _deliver(self, shipment: Shipment, reading: LocationReading) -> None:
        """Learn from a landing: a late one teaches its delay; an on-time one that left
        after it shows the cause is over. One that left before it tells nothing."""
        if shipment.late:
            hours_late = (reading.ts - shipment.promised).total_seconds() / 3600.0
            self._delivered_delay_h = max(0.0, hours_late)
            self._delivered_departs = shipment.departs
        elif self._delivered_departs is None or shipment.departs >= self._delivered_departs:
            self._delivered_delay_h = 0.0
            self._delivered_departs = None
        self._delivered += 1
        del self._shipments[shipment.order.po_id]
        self._devices.retire(reading.device_id)

    def _late_alert(self, shipment: Shipment, r: LocationReading) -> Alert:
        po = shipment.order
        eta = self._late_eta(shipment)
        held = shipment.held_now_h()
        return self._alert(
            AlertKind.LATE_SHIPMENT,
            Severity.WARNING,
            r.ts,
            f"{po.po_id}:{reading_key(r.device_id, r.seq)}",
            f"{self.asset_id} shipment {po.po_id} ({po.quantity:.0f} {po.product_id} to "
            f"{po.destination_id}) stationary for {held:.1f} h; promised "
            f"{shipment.promised:%Y-%m-%d %H:%M}, now expected {eta:%Y-%m-%d %H:%M}",
            data={
                "po_id": po.po_id,
                "hours_stationary": held,
                "promised_arrival": shipment.promised.isoformat(),
                "estimated_arrival": eta.isoformat(),
                "product_id": po.product_id,
                "quantity": po.quantity,
            },
        )

    @property
    def observed_delay_h(self) -> float:
        """The delay to allow for: the worst live estimate, else the last delivery's."""
        s = self.settings
        live = [
            sh.delay_h(s.late_eta_buffer_hours, s.hold_ratio)
            for sh in self._shipments.values()
            if sh.late
        ]
        return max([self._delivered_delay_h, *live])

    @property
    def held_from(self) -> datetime | None:
        """When the earliest shipment the delay is known from left: live holds, else the
        last late landing."""
        departs = [sh.departs for sh in self._shipments.values() if sh.late]
        if self._delivered_departs is not None:
            departs.append(self._delivered_departs)
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
        for sh in self._shipments.values():
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
            for po_id, sh in self._shipments.items()
            if sh.shipped(now)
        ]
        late = sorted(po_id for po_id, sh in self._shipments.items() if sh.late)
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
        for po_id, sh in self._shipments.items():
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
        kept = {po_id: sh for po_id, sh in self._shipments.items() if sh.shipped(now)}
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
        self._shipments = kept

    def state(self) -> dict[str, Any]:
        """Shipments on the road, lateness and the delay learned, JSON-ready."""
        delay, held_from = self.observed_delay_h, self.held_from
        return {
            "asset_id": self.asset_id,
            "kind": self.kind,
            "shipments": {
                po_id: {
                    "product_id": sh.order.product_id,
                    "quantity": sh.order.quantity,
                    "destination_id": sh.order.destination_id,
                    "promised": sh.promised.isoformat(),
                    "eta": self._eta(sh, delay, held_from).isoformat(),
                    "late": sh.late,
                    "hours_held": sh.held_h(),
                }
                for po_id, sh in self._shipments.items()
            },
            "delivered": self._delivered,
            "observed_delay_h": delay,
            "devices": self._devices_state(),
        }

    # ------------------------------------------------------------------ snapshots
    def _snapshot_state(self) -> dict[str, Any]:
        return {
            "shipments": {po_id: sh.to_json() for po_id, sh in self._shipments.items()},
            "delivered_delay_h": self._delivered_delay_h,
            "delivered_departs": iso(self._delivered_departs),
            "delivered": self._delivered,
        }

    def _restore_state(self, data: dict[str, Any]) -> None:
        self._shipments = {po_id: Shipment.from_json(sh) for po_id, sh in data["shipments"].items()}
        self._delivered_delay_h = float(data["delivered_delay_h"])
        self._delivered_departs = when(data.get("delivered_departs"))
        self._delivered = int(data["delivered"])
