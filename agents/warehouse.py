"""`WarehouseAgent`: stock, space and storage conditions of one warehouse.

Shelf readings are authoritative; RFID scans move stock between them. A scan
stamped before a product's last shelf reading is already counted in it and
is skipped, so the order in which a batch interleaves the two does not
double count. A scan stamped at the count's very instant is not in it: a
count is what was on the shelf at that instant, before what moves then
(vehicles load at the hour the shelves are counted, docs/sensors.md). Stock
never goes below zero whatever the scans say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agents.alerts import reading_key
from agents.coldchain import cold_range
from agents.core import AgentCore
from agents.reorder import reorder_requests
from agents.settings import AgentSettings
from agents.warehouse_alerts import WarehouseAlerts
from supplysync.commands import AssignmentResponse, Command, TransferOrder
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import Inbound, WarehouseOffer
from supplysync.plan import Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import (
    HumidityReading,
    Reading,
    RfidScan,
    StockLevelReading,
    TemperatureReading,
)


@dataclass(frozen=True, slots=True)
class PendingTransfer:
    """An accepted transfer to this warehouse that has not arrived yet."""

    transfer: Transfer
    departs: datetime
    arrives: datetime

    def to_json(self) -> dict[str, Any]:
        """The transfer and its times, for an agent snapshot."""
        return {
            "transfer": self.transfer.model_dump(mode="json"),
            "departs": self.departs.isoformat(),
            "arrives": self.arrives.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingTransfer:
        """The pending transfer `to_json` wrote."""
        return cls(
            Transfer.model_validate(data["transfer"]),
            datetime.fromisoformat(data["departs"]),
            datetime.fromisoformat(data["arrives"]),
        )


class WarehouseAgent(AgentCore):
    """Live stock of one warehouse and its part of the replenishment plan."""

    def __init__(
        self, asset_id: str, network: Network, settings: AgentSettings | None = None
    ) -> None:
        super().__init__(asset_id, "warehouse", network, settings)
        self.spec = network.warehouse(asset_id)
        self._stock = {
            p.id: float(self.spec.initial_stock.get(p.id, 0.0)) for p in network.products
        }
        self._shelf_ts: dict[str, datetime] = {}
        allowed = cold_range(network.products) if self.spec.cold_storage else None
        self._watch = WarehouseAlerts(self._alert, self.settings, self.spec, allowed)
        self._room_c: float | None = None
        self._humidity: float | None = None
        self._pending: dict[str, PendingTransfer] = {}
        self._inbound: dict[str, float] = {}

    @property
    def total_units(self) -> float:
        """Units on hand, all products together (they share the space)."""
        return sum(self._stock.values())

    @property
    def free_units(self) -> float:
        """Space left, never negative even when the shelves overflow."""
        return max(0.0, self.spec.capacity_units - self.total_units)

    # ------------------------------------------------------------------ readings
    def _apply(self, reading: Reading, alerts: list[Alert]) -> None:
        if isinstance(reading, StockLevelReading):
            if reading.product_id in self._stock:
                self._stock[reading.product_id] = reading.units
                self._shelf_ts[reading.product_id] = reading.ts
                self._stock_changed(reading, reading.product_id, alerts)
        elif isinstance(reading, RfidScan):
            self._on_scan(reading, alerts)
        elif isinstance(reading, TemperatureReading):
            self._room_c = reading.celsius
            self._watch.room(reading, alerts)
        elif isinstance(reading, HumidityReading):
            self._humidity = reading.percent_rh
            self._watch.humidity(reading, alerts)

    def _on_scan(self, scan: RfidScan, alerts: list[Alert]) -> None:
        if scan.site_id != self.asset_id:
            return
        if scan.direction == "in" and scan.lot_id in self._pending:
            self._arrived(scan.lot_id)
        product = scan.product_id
        if product not in self._stock:
            return
        shelf_ts = self._shelf_ts.get(product)
        if shelf_ts is not None and scan.ts < shelf_ts:
            return
        if scan.direction == "in":
            self._stock[product] += scan.units
        else:
            self._stock[product] = max(0.0, self._stock[product] - scan.units)
        self._stock_changed(scan, product, alerts)

    def _stock_changed(self, reading: Reading, product_id: str, alerts: list[Alert]) -> None:
        key = reading_key(reading.device_id, reading.seq)
        position = self._stock[product_id] + self._inbound.get(product_id, 0.0)
        self._watch.reorder(product_id, position, reading.ts, key, alerts)
        self._watch.space(self.total_units, reading.ts, key, alerts)

    def _arrived(self, transfer_id: str) -> None:
        transfer = self._pending.pop(transfer_id).transfer
        left = self._inbound.get(transfer.product_id, 0.0) - transfer.quantity
        self._inbound[transfer.product_id] = max(0.0, left)

    # ------------------------------------------------------------------ protocol
    def offer(self, window: PlanningWindow, now: datetime) -> WarehouseOffer:
        """Stock, space, requests and the transfers already on their way here."""
        return WarehouseOffer(
            warehouse_id=self.asset_id,
            stock=dict(self._stock),
            capacity_units=self.spec.capacity_units,
            free_units=self.free_units,
            cold_storage_ok=self.spec.cold_storage and self._watch.room_ok,
            reorder_requests=reorder_requests(
                self._stock, self._inbound, self.spec.reorder_point, self.spec.order_quantity
            ),
            inbound=[
                Inbound(
                    shipment_id=p.transfer.transfer_id,
                    product_id=p.transfer.product_id,
                    destination_id=self.asset_id,
                    quantity=p.transfer.quantity,
                    arrival_period=max(0, window.period_of(p.arrives)),
                )
                for p in self._pending.values()
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
            for tid, p in self._pending.items()
            if p.departs < command.issued_at and tid not in new_ids
        }
        window = command.window
        for t in body.transfers:
            if t.destination_id == self.asset_id:
                kept[t.transfer_id] = PendingTransfer(
                    t, window.period_start(t.ship_period), window.period_start(t.arrival_period)
                )
        self._pending = kept
        self._inbound = {}
        for p in kept.values():
            pid = p.transfer.product_id
            self._inbound[pid] = self._inbound.get(pid, 0.0) + p.transfer.quantity

    def state(self) -> dict[str, Any]:
        """Stock, space, room conditions and expected transfers, JSON-ready."""
        return {
            "asset_id": self.asset_id,
            "kind": self.kind,
            "stock": dict(self._stock),
            "total_units": self.total_units,
            "free_units": self.free_units,
            "capacity_units": self.spec.capacity_units,
            "room_c": self._room_c,
            "humidity_percent": self._humidity,
            "cold_storage_ok": self.spec.cold_storage and self._watch.room_ok,
            "inbound": dict(self._inbound),
            "pending_transfers": sorted(self._pending),
            "below_reorder_point": sorted(self._watch.below),
            "devices": self._devices_state(),
        }

    # ------------------------------------------------------------------ snapshots
    def _snapshot_state(self) -> dict[str, Any]:
        return {
            "stock": dict(self._stock),
            "shelf_ts": {p: ts.isoformat() for p, ts in self._shelf_ts.items()},
            "watch": self._watch.snapshot(),
            "room_c": self._room_c,
            "humidity": self._humidity,
            "pending": {tid: p.to_json() for tid, p in self._pending.items()},
            "inbound": dict(self._inbound),
        }

    def _restore_state(self, data: dict[str, Any]) -> None:
        self._stock = {p: float(units) for p, units in data["stock"].items()}
        self._shelf_ts = {p: datetime.fromisoformat(ts) for p, ts in data["shelf_ts"].items()}
        self._watch.restore(data["watch"])
        self._room_c, self._humidity = data["room_c"], data["humidity"]
        self._pending = {tid: PendingTransfer.from_json(p) for tid, p in data["pending"].items()}
        self._inbound = {p: float(units) for p, units in data["inbound"].items()}
