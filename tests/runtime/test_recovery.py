"""Hosts that rebuild their agents from the event store: snapshot plus replay.

The property of issue 4: hosts rebuilt from the store (constructed again, as
Ray does on a restart) hold the agents that an in-process directory fed the
same readings, ticks and commits holds. Readings go to the store before any
host sees them, as live ingest does. A real Ray actor killed and rebuilt:
tests/cluster/test_host_recovery.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest

from adapters.store import StoreError, open_store
from agents.factory import build_agent
from runtime.agent_host import AgentHost
from runtime.directory import AgentDirectory, Directory, InlineDirectory
from runtime.placement import layout
from runtime.recovery import Journal, Recovery
from supplysync.commands import Command, ProduceOrder
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from supplysync.snapshots import AgentSnapshot, log_order
from tests.runtime.sample_readings import demo_readings


def steps(network: Network, start: datetime, n: int) -> list[list[Reading]]:
    """The demo readings of `n` 15-minute steps, one batch per step.

    Within a step they come as devices send them (a machine's vibration
    before its hour meter), not in log order: hosts that keep snapshots sort
    them, the reference below is fed the log.
    """
    readings = sorted(demo_readings(network, start, steps=n), key=lambda r: r.ts)
    return [list(batch) for _, batch in groupby(readings, key=lambda r: r.ts)]


def schedules(network: Network, start: datetime) -> list[Command]:
    """An (empty) accepted schedule for the first two machines: state no reading carries."""
    return [
        Command(
            command_id=f"cmd-{m.id}",
            plan_id="plan-1",
            asset_id=m.id,
            asset_kind="machine",
            issued_at=start,
            window=PlanningWindow(start=start),
            body=ProduceOrder(),
        )
        for m in network.machines[:2]
    ]


class RecoveringPool:
    """Two in-process hosts that keep snapshots in a store (a `HostPool` without Ray)."""

    def __init__(self, network: Network, recovery: Recovery) -> None:
        ids = list(network.asset_kinds())
        self.hosts = [
            AgentHost(network, part, recovery=recovery) for part in layout(ids, "sharded", 2)
        ]

    def __len__(self) -> int:
        return len(self.hosts)

    def share(self, value: object) -> object:
        return value

    def call(self, method: str, args: Mapping[int, tuple[Any, ...]]) -> dict[int, Any]:
        return {i: getattr(self.hosts[i], method)(*a) for i, a in args.items()}

    def close(self) -> None:
        self.hosts = []


def recovering(network: Network, recovery: Recovery) -> AgentDirectory:
    return AgentDirectory(
        network,
        arrange=lambda ids: layout(ids, "sharded", 2),
        spawn=lambda net, _layout, _settings, _factory: RecoveringPool(net, recovery),
    )


def feed(store_url: str, batch: Sequence[Reading], *directories: Directory) -> list[Any]:
    """Store the batch, then hand it to each directory as live ingest does.

    An `InlineDirectory` stands for a replay of the log and gets the batch in
    log order; directories whose hosts keep snapshots get it as it came.
    """
    with open_store(store_url) as store:
        store.append(batch)
    ordered = sorted(batch, key=log_order)
    return [
        d.ingest(ordered if isinstance(d, InlineDirectory) else batch, batch[-1].ts)
        for d in directories
    ]


def live_run(store_url: str, network: Network, start: datetime, *directories: Directory) -> None:
    """Readings, a tick, commitments, more readings: every kind of state change."""
    batches = steps(network, start, 7)
    for batch in batches[:3]:
        feed(store_url, batch, *directories)
    for d in directories:
        d.tick(start + timedelta(hours=3))
        d.commit(schedules(network, start))
    for batch in batches[3:]:
        feed(store_url, batch, *directories)


def test_rebuilt_hosts_hold_what_the_log_says(
    store_url: str, demo_network: Network, demo_start: datetime
) -> None:
    recovery = Recovery(store_url, snapshot_every=5)
    with InlineDirectory.start(demo_network) as reference, recovering(demo_network, recovery) as d:
        live_run(store_url, demo_network, demo_start, reference, d)
        expected = reference.states()
        assert d.states() == expected
        with recovering(demo_network, recovery) as rebuilt:
            assert rebuilt.states() == expected
            more = steps(demo_network, demo_start + timedelta(hours=2), 2)
            assert feed(store_url, more[0], reference) == feed(store_url, more[0], rebuilt)
            assert rebuilt.states() == reference.states()
    with open_store(store_url) as store:
        latest = {a: store.latest_snapshot(a) for a in demo_network.asset_kinds()}
    # Every agent was snapshotted at the tick, the scheduled machines again at the commit.
    scheduled = {c.asset_id for c in schedules(demo_network, demo_start)}
    assert all(s is not None and s.position.last_seq for s in latest.values())
    assert all((s := latest[m]) is not None and s.generation >= 2 for m in scheduled)


def test_replayed_alerts_are_recorded_not_returned(
    store_url: str, demo_network: Network, demo_start: datetime
) -> None:
    """The batch a host died in returned nothing; its alerts reach the log on replay."""
    recovery = Recovery(store_url)
    with recovering(demo_network, recovery) as d:
        [raised] = [feed(store_url, b, d)[0] for b in steps(demo_network, demo_start, 4)][-1:]
    assert raised, "the last demo step puts a machine in the danger zone"
    with recovering(demo_network, recovery) as rebuilt:
        assert rebuilt.ingest([], demo_start) == []
        with open_store(store_url) as store:
            logged = store.alerts(demo_start, demo_start + timedelta(days=1))
    assert {a.alert_id for a in raised} <= {a.alert_id for a in logged}


def test_an_unreadable_snapshot_means_a_full_replay(
    store_url: str, demo_network: Network, demo_start: datetime
) -> None:
    machine = demo_network.machines[0].id
    alien = build_agent(demo_network.vehicles[0].id, demo_network)
    bogus = AgentSnapshot(
        asset_id=machine,
        asset_kind="machine",
        generation=99,
        taken_at=demo_start,
        position=alien.position(),
        state=alien.snapshot(),
    )
    with InlineDirectory.start(demo_network) as reference:
        for batch in steps(demo_network, demo_start, 4):
            feed(store_url, batch, reference)
        with open_store(store_url) as store:
            store.save_snapshots([bogus])
        with recovering(demo_network, Recovery(store_url)) as rebuilt:
            assert rebuilt.states() == reference.states()


def test_snapshot_write_failures(
    tmp_path: Path, demo_network: Network, caplog: pytest.LogCaptureFixture
) -> None:
    """Periodic snapshots are retried later; a commit's snapshot must be written."""
    home = tmp_path / "db"
    home.mkdir()
    journal = Journal(Recovery(f"sqlite://{home}/events.db"))
    agents = {m.id: build_agent(m.id, demo_network) for m in demo_network.machines[:1]}
    journal.restore(agents, lambda a: build_agent(a, demo_network))
    (home / "events.db").unlink()
    home.rmdir()
    now = datetime.now().astimezone()
    with caplog.at_level(logging.WARNING, logger="runtime.recovery"):
        journal.save(agents.values(), now)
    assert "agent snapshots not written" in caplog.text
    with pytest.raises(StoreError):
        journal.save(agents.values(), now, required=True)


def test_recovery_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="snapshot_every"):
        Recovery("sqlite://", snapshot_every=0)
