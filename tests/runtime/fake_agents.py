"""A tiny stand-in agent and a poisoning wrapper for runtime and cluster tests.

`CountingAgent` fulfils the `Agent` protocol with just enough behaviour to
tell placements apart if they diverge: it deduplicates by `(device_id, seq)`,
alerts on high vibration, records commitments, and snapshots exactly that.
`poisonable` wraps any factory so that a reading from a device whose id ends
in `-poison` raises, which is how the tests feed a host a reading its agent
cannot fold in.
Both live in an importable module because Ray workers unpickle them by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from agents.base import Agent, Offer
from agents.persist import IsoTime
from agents.states import View
from supplysync.commands import AssignmentResponse, Command
from supplysync.events import Alert, AlertKind, AssetKind, Severity
from supplysync.network import Network
from supplysync.offers import MachineOffer, SupplierOffer, VehicleOffer, WarehouseOffer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading, VibrationReading
from supplysync.snapshots import ReadingPosition

POISON_SUFFIX = "-poison"


class CountingState(View):
    """What a `CountingAgent` shows: readings counted, the latest time, commitments."""

    asset_id: str
    readings: int
    last_ts: IsoTime | None
    commitments: list[str]


class CountingAgent:
    def __init__(self, asset_id: str, network: Network) -> None:
        self.asset_id = asset_id
        self.kind: AssetKind = network.asset_kinds()[asset_id]  # type: ignore[assignment]
        self._network = network
        self._seen: set[tuple[str, int]] = set()
        self._last_ts: datetime | None = None
        self._commitments: list[str] = []

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        alerts = []
        for r in readings:
            if (r.device_id, r.seq) in self._seen:
                continue
            self._seen.add((r.device_id, r.seq))
            self._last_ts = r.ts
            if isinstance(r, VibrationReading) and r.mm_s_rms > 7.1:
                alerts.append(self._alert(AlertKind.THRESHOLD, r.ts, f"{r.device_id}:{r.seq}"))
        return alerts

    def tick(self, now: datetime) -> list[Alert]:
        if self._last_ts is not None and now - self._last_ts > timedelta(minutes=90):
            return [self._alert(AlertKind.SENSOR_SILENT, now, now.isoformat())]
        return []

    def _alert(self, kind: AlertKind, ts: datetime, key: str) -> Alert:
        return Alert(
            alert_id=f"{self.asset_id}:{kind}:{key}",
            asset_id=self.asset_id,
            asset_kind=self.kind,
            kind=kind,
            severity=Severity.WARNING,
            ts=ts,
            message=kind.value,
        )

    def offer(self, window: PlanningWindow, now: datetime) -> Offer:
        net = self._network
        if self.kind == "machine":
            m = next(m for m in net.machines if m.id == self.asset_id)
            return MachineOffer(
                machine_id=m.id,
                plant_id=m.plant_id,
                health=1.0,
                capacity_hours=[m.hours_per_day] * window.periods,
                rates=dict(m.rates),
                setup_hours=m.setup_hours,
                maintenance_hours=m.maintenance_hours,
                repair_hours=m.repair_hours,
            )
        if self.kind == "warehouse":
            w = net.warehouse(self.asset_id)
            return WarehouseOffer(
                warehouse_id=w.id,
                stock=dict(w.initial_stock),
                capacity_units=w.capacity_units,
                free_units=w.capacity_units - sum(w.initial_stock.values()),
            )
        if self.kind == "vehicle":
            v = next(v for v in net.vehicles if v.id == self.asset_id)
            return VehicleOffer(
                vehicle_id=v.id,
                depot_id=v.depot_id,
                location=net.location_of(v.depot_id),
                capacity_units=v.capacity_units,
            )
        return SupplierOffer(supplier_id=self.asset_id, quotes=[])

    def review(self, command: Command) -> AssignmentResponse:
        return AssignmentResponse(
            asset_id=self.asset_id, plan_id=command.plan_id, accepted=True, reason=self.asset_id
        )

    def commit(self, command: Command) -> None:
        self._commitments.append(command.command_id)

    def state(self) -> CountingState:
        return CountingState(
            asset_id=self.asset_id,
            readings=len(self._seen),
            last_ts=self._last_ts,
            commitments=list(self._commitments),
        )

    def position(self) -> ReadingPosition:
        last_seq: dict[str, int] = {}
        for device_id, seq in self._seen:
            last_seq[device_id] = max(seq, last_seq.get(device_id, seq))
        return ReadingPosition(last_seq=last_seq)

    def snapshot(self) -> dict[str, Any]:
        return {
            "seen": sorted(self._seen),
            "last_ts": None if self._last_ts is None else self._last_ts.isoformat(),
            "commitments": list(self._commitments),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._seen = {(device_id, seq) for device_id, seq in state["seen"]}
        last_ts = state["last_ts"]
        self._last_ts = None if last_ts is None else datetime.fromisoformat(last_ts)
        self._commitments = list(state["commitments"])


def build_counting_agent(asset_id: str, network: Network, settings: object = None) -> Agent:
    return CountingAgent(asset_id, network)


class _Poisonable:
    """Delegates to a real agent but raises on readings from a `-poison` device."""

    def __init__(self, inner: Agent) -> None:
        self._inner = inner
        self.asset_id = inner.asset_id
        self.kind = inner.kind

    def ingest(self, readings: Sequence[Reading], now: datetime) -> list[Alert]:
        if any(r.device_id.endswith(POISON_SUFFIX) for r in readings):
            raise ValueError("poisoned reading")
        return self._inner.ingest(readings, now)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class poisonable:  # noqa: N801 - used like a function
    """A picklable factory wrapper: `poisonable(build_agent)`."""

    def __init__(self, factory: Callable[..., Agent]) -> None:
        self._factory = factory

    def __call__(self, asset_id: str, network: Network, settings: object = None) -> Agent:
        return _Poisonable(self._factory(asset_id, network, settings))
