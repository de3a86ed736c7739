"""`WarehouseAgent`: stock, space and storage conditions of one warehouse.

What the readings teach (stock, room conditions, the alarms' latches, which
transfers arrived) is a `WarehouseMemory` that `agents.warehouse_step.step`
replaces for each reading; this class is the `agents.base.Agent` around it.
It offers stock, free space and reorder requests, expects the transfers a
plan sends here, and rejects transfers that would overflow it.
"""

from __future__ import annotations

from datetime import datetime

from agents.coldchain import cold_range
from agents.core import AgentCore
from agents.reorder import reorder_requests
from agents.settings import AgentSettings
from agents.states import WarehouseState
from agents.warehouse_alerts import WarehouseAlarms
from agents.warehouse_memory import PendingTransfer, WarehouseMemory
from agents.warehouse_step import step
from supplysync.commands import AssignmentResponse, Command, TransferOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import Inbound, WarehouseOffer
from supplysync.plan import Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading


class WarehouseAgent(AgentCore[WarehouseMemory]):
    """Live stock of one warehouse and its part of the replenishment plan."""

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "warehouse", network, settings)
        self.spec = network.warehouse(asset_id)
        allowed = cold_range(network.products) if self.spec.cold_storage else None
        self._alarms = WarehouseAlarms(self._alert, self.settings, self.spec, allowed)
        self.memory = WarehouseMemory(
            stock={p.id: float(self.spec.initial_stock.get(p.id, 0.0)) for p in network.products}
        )

    @property
    def total_units(self) -> float:
        """Units on hand, all products together (they share the space)."""
        return sum(self.memory.stock.values())

    @property
    def free_units(self) -> float:
        """Space left, never negative even when the shelves overflow."""
        return max(0.0, self.spec.capacity_units - self.total_units)

    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        self.memory, raised = step(self.memory, reading, self._alarms)
        alerts.extend(raised)

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> WarehouseOffer:
        """Stock, space, requests and the transfers already on their way here."""
        return WarehouseOffer(
            warehouse_id=self.asset_id,
            stock=dict(self.memory.stock),
            capacity_units=self.spec.capacity_units,
            free_units=self.free_units,
            cold_storage_ok=self.spec.cold_storage and self.memory.watch.room_ok,
            reorder_requests=reorder_requests(
                self.memory.stock,
                self.memory.inbound,
                self.spec.reorder_point,
                self.spec.order_quantity,
            ),
            inbound=[
                Inbound(
                    shipment_id=p.transfer.transfer_id,
                    product_id=p.transfer.product_id,
                    destination_id=self.asset_id,
                    quantity=p.transfer.quantity,
                    arrival_period=max(0, window.period_of(p.arrives)),
                )
                for p in self.memory.pending.values()
                if p.departs < now
            ],
        )

    def review(self, command: Command) -> AssignmentResponse:
        """Reject transfers that would land more goods in a period than there is room for."""
        body = command.body
        if not isinstance(body, TransferOrder):
            reasons = [f"a warehouse takes transfer orders, not {body.kind}"]
        else:
            reasons = self._space_problems(body.transfers)
        return AssignmentResponse(
            asset_id=self.asset_id,
            plan_id=command.plan_id,
            accepted=not reasons,
            reason="; ".join(reasons),
        )

    def _space_problems(self, transfers: list[Transfer]) -> list[str]:
        inbound: dict[int, float] = {}
        outbound: dict[int, float] = {}
        for t in transfers:
            if t.destination_id == self.asset_id:
                inbound[t.arrival_period] = inbound.get(t.arrival_period, 0.0) + t.quantity
            if t.origin_id == self.asset_id:
                outbound[t.ship_period] = outbound.get(t.ship_period, 0.0) + t.quantity
        free, tol = self.free_units, self.settings.space_tolerance_units
        reasons = []
        for period, units in sorted(inbound.items()):
            room = free + outbound.get(period, 0.0)
            if units > room + tol:
                reasons.append(
                    f"period {period}: {units:.0f} units inbound exceed {free:.0f} free "
                    f"+ {outbound.get(period, 0.0):.0f} outbound"
                )
        return reasons

    def commit(self, command: Command) -> None:
        """Expect the accepted transfers to this warehouse.

        Transfers accepted earlier that have already left stay expected
        (goods shipped are not recalled); the rest, including those due to
        leave at the very instant of the command, are replaced by it, as the
        line haul's own schedule replaces them.
        """
        body = command.body
        if not isinstance(body, TransferOrder):
            return
        new_ids = {t.transfer_id for t in body.transfers}
        kept = {
            tid: p
            for tid, p in self.memory.pending.items()
            if p.departs < command.issued_at and tid not in new_ids
        }
        window = command.window
        for t in body.transfers:
            if t.destination_id == self.asset_id:
                kept[t.transfer_id] = PendingTransfer(
                    transfer=t,
                    departs=window.period_start(t.ship_period),
                    arrives=window.period_start(t.arrival_period),
                )
        inbound: dict[str, float] = {}
        for p in kept.values():
            pid = p.transfer.product_id
            inbound[pid] = inbound.get(pid, 0.0) + p.transfer.quantity
        self.memory = self.memory.replace(pending=kept, inbound=inbound)

    def state(self) -> WarehouseState:
        """Stock, space, room conditions and expected transfers."""
        m = self.memory
        return WarehouseState(
            asset_id=self.asset_id,
            kind="warehouse",
            stock=m.stock,
            total_units=self.total_units,
            free_units=self.free_units,
            capacity_units=self.spec.capacity_units,
            room_c=m.room_c,
            humidity_percent=m.humidity,
            cold_storage_ok=self.spec.cold_storage and m.watch.room_ok,
            inbound=m.inbound,
            pending_transfers=sorted(m.pending),
            below_reorder_point=list(m.watch.below),
            devices=self._devices_state(),
        )
