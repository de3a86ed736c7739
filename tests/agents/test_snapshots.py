"""Snapshot plus replay equals full replay, for every agent kind.

Each kind gets a script: commitments first (they are snapshotted when they
happen, never replayed), then batches of readings that drive it through its
interesting states (a wear trend and a prediction, a late and a delivered
shipment, a transfer arriving and a humid room, a vehicle off route with a
warm cargo box and an open door). At several cut points the agent is
snapshotted, the snapshot goes through its JSON form, a fresh agent restores
it and ingests the rest of the log in log order in one batch. It must end
where the agent that saw every batch live ends, and where a fresh agent fed
the whole log in one batch ends: same state, same offer, same snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from agents.base import Agent
from agents.factory import build_agent
from agents.machine import MachineAgent
from agents.settings import AgentSettings
from agents.states import state_json
from supplysync.commands import Command, ProduceOrder, RouteOrder, SupplyOrder, TransferOrder
from supplysync.network import Network
from supplysync.offers import MaintenanceWindow, ProductionRun
from supplysync.plan import PurchaseOrder, Route, Stop, Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.snapshots import AgentSnapshot
from tests.agents.conftest import T0, Feed, at, command

Script = tuple[list[Command], list[list[Reading]]]
WINDOW = PlanningWindow(start=T0, period_hours=24, periods=3)


def machine(network: Network) -> Script:
    """Two days of a machine wearing fast enough for a predicted failure, on a schedule."""
    feed, rng, health, meter = Feed("M-DUI-1"), np.random.default_rng(7), 1.0, 0.0
    batches = []
    for i in range(2 * 96):
        ts = at(i / 4)
        running = 6 <= ts.hour < 22
        vib = 1.2 + 6.3 * (1 - health) ** 2 + rng.normal(0, 0.1) if running else 0.1
        batches.append(
            [
                feed("runtime", "M-plc", ts, hours=meter, running=running),
                feed("vibration", "M-vib", ts, mm_s_rms=max(0.0, vib)),
                feed("temperature", "M-temp", ts, celsius=50 + 40 * (1 - health) ** 2),
                feed("output", "M-out", ts, product_id="PUMP", units=3.0 if running else 0.0),
            ]
        )
        if running:
            health, meter = health - 0.012, meter + 0.25
    run = ProductionRun(machine_id="M-DUI-1", product_id="PUMP", period=0, quantity=30, hours=10)
    body = ProduceOrder(
        runs=[run], maintenance=[MaintenanceWindow(machine_id="M-DUI-1", period=2, hours=4)]
    )
    return [command("M-DUI-1", "machine", body, WINDOW)], batches


def supplier(network: Network) -> Script:
    """One shipment held long enough to be late, then delivered; another still on the way."""
    feed = Feed("S-RHEIN")
    orders = [
        PurchaseOrder(
            po_id=po,
            supplier_id="S-RHEIN",
            product_id="FILTER",
            destination_id="W-DUI",
            quantity=100,
            order_period=0,
            arrival_period=1,
            unit_price=19,
        )
        for po in ("PO-1", "PO-2")
    ]

    def fix(po: str, hours: float, where: tuple[float, float], speed: float) -> Reading:
        return feed(
            "location",
            f"trk-{po}",
            at(hours),
            lat=where[0],
            lon=where[1],
            speed_kmh=speed,
            shipment_id=po,
        )

    batches = [
        [fix("PO-1", 20 + h, (51.385, 6.680), 0.0), fix("PO-2", 20 + h, (51.3, 6.6), 60.0)]
        for h in range(6)
    ]
    batches += [[fix("PO-1", 27, (51.40, 6.70), 50.0)], [fix("PO-1", 28, (51.430, 6.775), 0.0)]]
    batches += [[fix("PO-2", 29 + h, (51.2, 6.5), 0.0)] for h in range(3)]
    return [command("S-RHEIN", "supplier", SupplyOrder(orders=orders), WINDOW)], batches


def warehouse(network: Network) -> Script:
    """Shelves, scans and a transfer arriving; the room gets humid and dries out."""
    feed = Feed("W-DUI")
    transfer = Transfer(
        transfer_id="T-1",
        origin_id="W-EHV",
        destination_id="W-DUI",
        product_id="PUMP",
        quantity=50,
        ship_period=0,
        arrival_period=1,
    )
    batches = []
    for h in range(12):
        batch = [
            feed("stock_level", "W-shelf", at(h), product_id="PUMP", units=120.0 - 9 * h),
            feed("humidity", "W-env", at(h), percent_rh=[50, 72, 75, 60][h % 4]),
            feed("temperature", "W-temp", at(h), celsius=18.5),
        ]
        if h % 3 == 1:
            batch.append(
                feed(
                    "rfid_scan",
                    "W-rfid",
                    at(h + 0.5),
                    lot_id=f"L{h}",
                    product_id="PUMP",
                    units=5.0,
                    direction="out",
                    site_id="W-DUI",
                )
            )
        if h == 9:
            batch.append(
                feed(
                    "rfid_scan",
                    "W-rfid",
                    at(h + 0.5),
                    lot_id="T-1",
                    product_id="PUMP",
                    units=50.0,
                    direction="in",
                    site_id="W-DUI",
                )
            )
        batches.append(batch)
    return [command("W-DUI", "warehouse", TransferOrder(transfers=[transfer]), WINDOW)], batches


def vehicle(network: Network) -> Script:
    """A reefer on its route: off the line, late, a warm box, the door left open, low fuel."""
    feed = Feed("V-CGN-1")
    route = Route(
        vehicle_id="V-CGN-1",
        period=0,
        depot_id="W-CGN",
        load={"REAGENT": 20, "PUMP": 10},
        stops=[
            Stop(site_id="C-LEVERKUSEN", arrive_h=7.5, depart_h=7.75, drop={"PUMP": 10}),
            Stop(site_id="C-BONN", arrive_h=9.0, depart_h=9.25, drop={"REAGENT": 20}),
        ],
        method="test",
    )
    path = [
        (50.940, 6.960, 0),
        (50.970, 6.973, 50),
        (51.0, 6.75, 40),
        (51.030, 7.000, 5),
        (50.9, 7.05, 60),
        (50.734, 7.099, 3),
        (50.8, 7.0, 60),
        (50.940, 6.960, 2),
    ]
    batches = []
    for i, (lat, lon, speed) in enumerate(path):
        hours = 7.0 + i * 0.4
        batches.append(
            [
                feed("location", "V-gps", at(hours), lat=lat, lon=lon, speed_kmh=speed),
                feed(
                    "temperature",
                    "V-cargo",
                    at(hours + 0.1),
                    celsius=[4, 9, 10, 11, 12, 5, 4, 4][i],
                ),
                feed("fuel", "V-fuel", at(hours), percent=30.0 - 3 * i),
                feed("door", "V-door", at(hours + 0.05), open=i in (3, 4)),
            ]
        )
    batches[2].append(feed("harsh_driving", "V-imu", at(7.85), event="brake", g=0.6))
    batches[4].append(feed("shock", "V-imu", at(8.65), g=3.2))
    return [command("V-CGN-1", "vehicle", RouteOrder(routes=[route]), WINDOW)], batches


SCRIPTS: dict[str, Callable[[Network], Script]] = {
    "machine": machine,
    "supplier": supplier,
    "warehouse": warehouse,
    "vehicle": vehicle,
}
ASSETS = {"machine": "M-DUI-1", "supplier": "S-RHEIN", "warehouse": "W-DUI", "vehicle": "V-CGN-1"}


def started(
    network: Network, kind: str, commands: list[Command], settings: AgentSettings | None = None
) -> Agent:
    agent = build_agent(ASSETS[kind], network, settings)
    for c in commands:
        agent.commit(c)
    return agent


def view(agent: Agent) -> dict[str, object]:
    return {
        "state": agent.state(),
        "offer": agent.offer(WINDOW, at(30)),
        "snapshot": agent.snapshot(),
    }


def stored(agent: Agent, generation: int = 1) -> AgentSnapshot:
    """The agent's snapshot after a round trip through its JSON text, as the store keeps it."""
    snap = AgentSnapshot(
        asset_id=agent.asset_id,
        asset_kind=agent.kind,
        generation=generation,
        taken_at=T0,
        position=agent.position(),
        state=agent.snapshot(),
    )
    return AgentSnapshot.model_validate_json(snap.model_dump_json())


def log_order(readings: list[Reading]) -> list[Reading]:
    return sorted(readings, key=lambda r: (r.ts, r.device_id, r.seq))


@pytest.mark.parametrize("kind", SCRIPTS)
def test_snapshot_plus_replay_equals_full_replay(network: Network, kind: str) -> None:
    commands, scripted = SCRIPTS[kind](network)
    # Live batches arrive in log order: replay reproduces the log, and a
    # vehicle's cargo reading means something else before or after a door one.
    batches = [log_order(batch) for batch in scripted]
    log = [r for batch in batches for r in batch]
    live = started(network, kind, commands)
    for batch in batches:
        live.ingest(batch, batch[-1].ts)
    full = started(network, kind, commands)
    full.ingest(log_order(log), log[-1].ts)
    assert view(full) == view(live)
    for cut in range(0, len(batches) + 1, max(1, len(batches) // 7)):
        before = started(network, kind, commands)
        for batch in batches[:cut]:
            before.ingest(batch, batch[-1].ts)
        snap = stored(before)
        rebuilt = build_agent(ASSETS[kind], network)
        rebuilt.restore(snap.state)
        assert view(rebuilt) == view(before), f"restore at cut {cut}"
        rest = log_order([r for r in log if not snap.position.covers(r)])
        rebuilt.ingest(rest, log[-1].ts)
        assert view(rebuilt) == view(live), f"snapshot at cut {cut} plus replay"


def test_the_scripts_reach_the_states_worth_snapshotting(network: Network) -> None:
    """Guards the test above against scripts that exercise nothing."""
    finals: dict[str, Any] = {}
    for kind, script in SCRIPTS.items():
        commands, batches = script(network)
        agent = started(network, kind, commands)
        finals[kind] = [a.kind.value for b in batches for a in agent.ingest(b, b[-1].ts)]
        finals[kind + "-state"] = state_json(agent.state())
    assert "predicted_failure" in finals["machine"]
    assert (
        finals["supplier-state"]["delivered"] == 1
        and finals["supplier-state"]["observed_delay_h"] > 0
    )
    assert finals["warehouse-state"]["pending_transfers"] == []
    assert "threshold" in finals["warehouse"]
    assert {"route_deviation", "cold_chain_excursion", "harsh_driving"} <= set(finals["vehicle"])


@pytest.mark.parametrize(
    ("kind", "tamper"),
    [
        ("machine", {"kind": "vehicle"}),  # another kind's snapshot
        ("machine", {"format": 0}),  # a format this code no longer reads
        ("warehouse", {"agent": {}}),  # malformed: the kind's own state missing
    ],
)
def test_a_snapshot_it_cannot_read_is_refused(
    network: Network, kind: str, tamper: dict[str, object]
) -> None:
    agent = build_agent(ASSETS[kind], network)
    with pytest.raises(ValueError, match=ASSETS[kind]):
        agent.restore({**agent.snapshot(), **tamper})


def test_machine_fits_the_same_whatever_the_batching(network: Network) -> None:
    """The trend refit follows the samples, not the ingest batches (issue 4's replay)."""
    _, batches = machine(network)
    one_by_one, all_at_once = MachineAgent("M-DUI-1", network), MachineAgent("M-DUI-1", network)
    alerts = [a for b in batches for a in one_by_one.ingest(b, b[-1].ts)]
    bulk = all_at_once.ingest([r for b in batches for r in b], batches[-1][-1].ts)
    assert sorted(a.alert_id for a in bulk) == sorted(a.alert_id for a in alerts)
    assert all_at_once.state() == one_by_one.state()
    assert one_by_one.state().predicted_failure_at is not None
