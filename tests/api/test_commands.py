"""`/api/commands`: the latest commands of every plan or of one, answers folded in."""

from __future__ import annotations

from datetime import timedelta

from adapters.store import open_store
from optimizer.dispatch import commands_for
from supplysync.commands import CommandAck
from tests.api import data
from tests.api.conftest import Api, TestClient

ISSUED = data.NOW - timedelta(minutes=1)


def test_every_asset_of_the_plan_in_force_shows_where_its_command_stands(api: Api) -> None:
    with open_store(api.url) as store:
        plan = store.latest_plan()
        assert plan is not None
        commands = commands_for(plan, data.network_snapshot().network, ISSUED)
        done, received, rejected, silent, *_ = commands

        def answer(i: int, status: str, reason: str = "") -> CommandAck:
            command = commands[i]
            return CommandAck(
                command_id=command.command_id,
                asset_id=command.asset_id,
                ts=ISSUED + timedelta(seconds=5 + i),
                status=status,
                reason=reason,
            )

        store.append(
            [
                *commands,
                answer(0, "received"),
                answer(0, "done"),
                answer(1, "received"),
                answer(2, "received"),
                answer(2, "rejected", "machine out of service"),
            ]
        )
    with TestClient(api.app) as client:
        now = client.get("/api/commands", headers=api.headers("viewer")).json()
        api.clock.at += timedelta(minutes=10)  # past the 5-minute time-out
        later = client.get("/api/commands", headers=api.headers("viewer")).json()
        other = client.get(
            "/api/commands", params={"plan_id": "live-0001"}, headers=api.headers("viewer")
        ).json()
    by_asset = {c["asset_id"]: c for c in now}
    assert len(now) == len(commands)
    assert {c["plan_id"] for c in now} == {plan.plan_id}
    assert by_asset[done.asset_id]["outcome"] == "done"
    assert by_asset[received.asset_id]["outcome"] == "received"
    assert by_asset[rejected.asset_id]["outcome"] == "rejected"
    assert by_asset[rejected.asset_id]["reason"] == "machine out of service"
    assert by_asset[silent.asset_id]["outcome"] == "pending"
    after = {c["asset_id"]: c["outcome"] for c in later}
    assert after[silent.asset_id] == "timed_out"
    assert after[received.asset_id] == "received", "an answer, even without `done`, is no time-out"
    assert other == [], "the first plan's commands were never dispatched"


def test_without_a_plan_the_most_recent_commands_of_every_plan_newest_first(api: Api) -> None:
    # Session 21: without `plan_id` only the plan in force's commands were listed, so an
    # earlier plan's commands that timed out were out of sight.
    with open_store(api.url) as store:
        earlier, latest = store.plan("live-0001"), store.latest_plan()
        assert earlier is not None and latest is not None and latest.plan_id != earlier.plan_id
        network = data.network_snapshot().network
        old = commands_for(earlier, network, ISSUED - timedelta(hours=1))  # never answered
        new = commands_for(latest, network, ISSUED)
        store.append([*old, *new])
    viewer = api.headers("viewer")
    with TestClient(api.app) as client:
        recent = client.get("/api/commands", headers=viewer).json()
        few = client.get("/api/commands", params={"limit": 3}, headers=viewer).json()
        filtered = client.get(
            "/api/commands", params={"plan_id": earlier.plan_id, "limit": 1}, headers=viewer
        ).json()
        refused = client.get("/api/commands", params={"limit": 0}, headers=viewer)
    assert len(recent) == len(old) + len(new)
    assert [c["plan_id"] for c in recent] == [latest.plan_id] * len(new) + [earlier.plan_id] * len(
        old
    ), "newest first, each naming its plan"
    issued = [c["issued_at"] for c in recent]
    assert issued == sorted(issued, reverse=True)
    assert {c["outcome"] for c in recent if c["plan_id"] == earlier.plan_id} == {"timed_out"}
    assert {c["outcome"] for c in recent if c["plan_id"] == latest.plan_id} == {"pending"}
    assert [c["command_id"] for c in few] == [c["command_id"] for c in recent[:3]]
    assert [c["plan_id"] for c in filtered] == [earlier.plan_id]
    assert refused.status_code == 422
