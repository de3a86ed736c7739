"""One directory interface, three layouts, the same answers, with the real agents.

The inline, per-asset and sharded directories are module-scoped and reused
across tests through `reset` (per-asset on the demo network is 18 actors).
The agents are the real ones, wrapped by `poisonable` so a test can feed one
a reading it raises on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest
import ray

from agents.factory import build_agent
from cluster.hosts import RayDirectory, RayHostPool
from runtime.directory import AgentDirectory, Directory, InlineDirectory
from runtime.errors import UnknownAssetError
from runtime.placement import layout
from runtime.pool import LocalHostPool
from supplysync.commands import (
    Command,
    CommandBody,
    ProduceOrder,
    RouteOrder,
    SupplyOrder,
    TransferOrder,
)
from supplysync.network import Network
from supplysync.planning import PlanningWindow
from supplysync.readings import TemperatureReading
from supplysync.settings import RuntimeSettings
from tests.runtime.fake_agents import poisonable
from tests.runtime.sample_readings import demo_readings

FACTORY = poisonable(build_agent)
BODIES = {
    "machine": ProduceOrder(),
    "supplier": SupplyOrder(),
    "warehouse": TransferOrder(),
    "vehicle": RouteOrder(),
}


@pytest.fixture(
    scope="module",
    params=[
        "inline",
        pytest.param("per-asset", marks=pytest.mark.ray),
        pytest.param("sharded", marks=pytest.mark.ray),
    ],
)
def directory(request: pytest.FixtureRequest, demo_network: Network) -> Iterator[AgentDirectory]:
    if request.param == "inline":
        built: AgentDirectory = InlineDirectory.start(demo_network, factory=FACTORY)
    else:
        request.getfixturevalue("ray_session")
        settings = RuntimeSettings(placement=request.param, shards=3)
        built = RayDirectory.start(demo_network, settings, factory=FACTORY)
    yield built
    built.close()


@pytest.fixture
def fresh(directory: AgentDirectory, demo_network: Network) -> AgentDirectory:
    directory.reset(demo_network)
    return directory


def run(
    d: Directory, readings: list[Any], start: datetime, window: PlanningWindow
) -> dict[str, Any]:
    return {
        "alerts": d.ingest(readings, start),
        "tick": d.tick(start + timedelta(hours=3)),
        "offers": d.offers(window, start),
        "states": d.states(),
    }


def command(asset_id: str, kind: str, start: datetime, body: CommandBody | None = None) -> Command:
    """An empty order of the kind the asset takes (or `body`), for plan-1."""
    return Command(
        command_id=f"cmd-{asset_id}",
        plan_id="plan-1",
        asset_id=asset_id,
        asset_kind=kind,
        issued_at=start,
        window=PlanningWindow(start=start),
        body=body or BODIES[kind],
    )


def test_host_count_follows_placement(fresh: AgentDirectory, demo_network: Network) -> None:
    n = len(demo_network.asset_kinds())
    expected = {"inline": 1, "per-asset": n, "sharded": 3}[fresh.placement]
    assert fresh.host_count == expected
    assert fresh.asset_ids == list(demo_network.asset_kinds())


def test_same_readings_same_alerts_and_states(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    readings = demo_readings(demo_network, demo_start)
    window = PlanningWindow(start=demo_start)
    with InlineDirectory.start(demo_network, factory=FACTORY) as reference:
        expected = run(reference, readings, demo_start, window)
    got = run(fresh, readings, demo_start, window)
    assert got == expected
    assert got["alerts"], "the demo readings should raise at least one alert"
    assert list(got["states"]) == list(demo_network.asset_kinds())


def test_one_call_per_host_per_ingest(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    before = fresh.host_calls
    fresh.ingest(demo_readings(demo_network, demo_start), demo_start)
    assert fresh.host_calls - before == fresh.host_count


def test_commands_route_to_their_agent(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    kinds = demo_network.asset_kinds()
    commands = [command(a, kinds[a], demo_start) for a in reversed(list(kinds))]
    answers = fresh.review(commands)
    assert [(a.asset_id, a.plan_id, a.accepted) for a in answers] == [
        (c.asset_id, "plan-1", True) for c in commands
    ]
    [wrong] = fresh.review([command("W-DUI", "warehouse", demo_start, ProduceOrder())])
    assert (wrong.asset_id, wrong.accepted) == ("W-DUI", False)
    assert "a warehouse takes transfer orders" in wrong.reason


def test_commit_reaches_only_the_named_agents(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    machines = [m.id for m in demo_network.machines]
    fresh.commit([command(m, "machine", demo_start) for m in machines[:2]])
    scheduled = {m: fresh.states()[m]["has_schedule"] for m in machines}
    assert scheduled == {m: m in machines[:2] for m in machines}


def test_command_for_unknown_asset_raises(fresh: AgentDirectory, demo_start: datetime) -> None:
    with pytest.raises(UnknownAssetError):
        fresh.review([command("NOPE", "machine", demo_start)])


def test_poisoned_reading_is_a_dead_letter_and_host_keeps_serving(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    good = demo_readings(demo_network, demo_start, steps=2)
    poison = TemperatureReading(
        device_id="W-DUI-poison", asset_id="W-DUI", seq=0, ts=demo_start, celsius=4.0
    )
    stranger = poison.model_copy(update={"asset_id": "W-NOWHERE", "device_id": "W-NOWHERE-env"})
    alerts = fresh.ingest([*good[:10], poison, stranger, *good[10:]], demo_start)
    letters = fresh.dead_letters()
    assert sorted((d.asset_id, b"poison" in d.raw) for d in letters) == [
        ("W-DUI", True),
        ("W-NOWHERE", False),
    ]
    with InlineDirectory.start(demo_network, factory=FACTORY) as reference:
        assert alerts == reference.ingest(good, demo_start)
        assert fresh.states() == reference.states()


@pytest.mark.ray
def test_killed_host_comes_back(
    fresh: AgentDirectory, demo_network: Network, demo_start: datetime
) -> None:
    if fresh.placement == "inline":
        pytest.skip("an inline directory has no actor to kill")
    pids = fresh.pids()
    pool = fresh.pool
    assert isinstance(pool, RayHostPool)
    ray.kill(pool.handles[0], no_restart=False)
    fresh.ingest(demo_readings(demo_network, demo_start, steps=1), demo_start)
    assert fresh.pids()[0] != pids[0]
    assert fresh.pids()[1:] == pids[1:]
    assert list(fresh.states()) == list(demo_network.asset_kinds())


class RecordingPool(LocalHostPool):
    """A local pool that remembers what each call carried."""

    calls: list[tuple[str, dict[int, tuple[Any, ...]]]]

    def call(self, method: str, args: Mapping[int, tuple[Any, ...]]) -> dict[int, Any]:
        self.calls = [*getattr(self, "calls", []), (method, dict(args))]
        return super().call(method, args)


def test_ingest_sends_each_host_only_its_own_assets(
    demo_network: Network, demo_start: datetime
) -> None:
    d = AgentDirectory(
        demo_network,
        arrange=lambda ids: layout(ids, "sharded", 4),
        spawn=RecordingPool,
        factory=FACTORY,
    )
    readings = demo_readings(demo_network, demo_start, steps=2)
    d.ingest(readings, demo_start)
    pool = d.pool
    assert isinstance(pool, RecordingPool)
    method, args = pool.calls[-1]
    hosts = layout(list(demo_network.asset_kinds()), "sharded", 4)
    assert method == "ingest"
    assert {h: sorted(batch) for h, (batch, _now) in args.items()} == {
        h: sorted(ids) for h, ids in enumerate(hosts) if ids
    }
    sent = [r for batch, _ in args.values() for rs in batch.values() for r in rs]
    assert sorted(sent, key=id) == sorted(readings, key=id)


def test_reset_to_a_smaller_network_respawns(demo_network: Network) -> None:
    d = AgentDirectory(
        demo_network,
        arrange=lambda ids: [[a] for a in ids],
        spawn=RecordingPool,
        factory=FACTORY,
    )
    smaller = demo_network.model_copy(update={"vehicles": demo_network.vehicles[:1]})
    d.reset(smaller)
    assert d.host_count == len(smaller.asset_kinds())
    assert list(d.states()) == list(smaller.asset_kinds())
