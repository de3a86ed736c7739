"""The operations center steering a live run: `supplysync serve` and `supplysync run` together.

One story, told once per module (`story`) and checked claim by claim below.
The live loop (`cluster.live`, agents inline, SQLite in a temporary
directory) runs against a private Mosquitto with the project's ACL and the
demo's device fleet, each device logged in as itself; the API
(`api.app.create_app` over the same store, production settings with a real
secret) runs under uvicorn on a free port and is called over HTTP by an
admin, an operator and a viewer the admin creates through the API. The two
share nothing but the store, as the two processes do in production.

1. The first plan is the live loop's tick at start.
2. The viewer asks for a replan: 403, and the refusal is in the audit.
3. The operator asks for a replan: the loop makes a plan caused by it; the
   viewer's event stream announces it.
4. The admin takes the busiest machine out: the next plan gives it no
   production, the other machines produce, and its device acknowledges an
   empty production order.
5. The operator runs a what-if (another machine down): a plan comes back,
   and the store's plans and commands are what they were; a second replan
   request then shows the loop went on planning with nothing of the what-if.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from adapters.devices import BrokerAddress, Fleet, FleetSettings
from adapters.store import EventStore, open_store
from api.app import create_app
from api.settings import Settings
from cluster.live import Brokers, LiveLoop, LiveSettings
from runtime.directory import InlineDirectory
from supplysync.commands import Command, ProduceOrder
from supplysync.plan import Plan, PlanStatus
from supplysync.scenario import PlanningSettings, Scenario
from tests.cluster.live_harness import eventually, running
from tests.deploy.acl_broker import acl_broker
from tests.services import executable

pytestmark = pytest.mark.e2e

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)
FLEET = FleetSettings(speed=600, tick_s=0.2, backoff_min_s=0.1, backoff_max_s=0.5)
LIVE = LiveSettings(turn_s=0.2, agent_tick_s=3600)


def operator_only(planning: PlanningSettings) -> PlanningSettings:
    """`planning` with no tick or alert replan within a week of the network's clock.

    At speed 600 a week is 17 wall minutes, the demo's hour of debounce six
    seconds, and the daily tick falls at UTC midnight (2.4 wall minutes
    apart): left as they are, a tick or an alert's replan lands between the
    operators' requests at some times of day and the story's plans are not
    the ones it tells. The first plan is still the tick at start.
    """
    return planning.model_copy(update={"tick_hours": 24.0 * 7, "debounce_minutes": 60.0 * 24 * 7})


WAIT_S = 20.0
ADMIN_SECRET = secrets.token_urlsafe(32)


@dataclass
class Story:
    """What the run left behind: API answers, plans, store contents, streamed events."""

    n_assets: int
    first: Plan
    viewer_replan: httpx.Response
    viewer_refusals: list[dict[str, Any]]
    requests_after_refusal: list[dict[str, Any]]
    replan_request: dict[str, Any]
    asked: Plan
    asked_via_api: dict[str, Any]
    busiest: str
    override_request: dict[str, Any]
    overrides_listed: list[dict[str, Any]]
    without: Plan
    without_commands: list[Command]
    without_acks: dict[str, set[str]]
    whatif_response: dict[str, Any]
    whatif_down: str
    store_before_whatif: tuple[list[str], list[str]]
    store_after_whatif: tuple[list[str], list[str]]
    whatif_plan_stored: bool
    barrier: Plan
    store_after_barrier: tuple[list[str], list[str]]
    streamed_plans: list[dict[str, Any]]
    alert_ids: set[str]


def production_of(plan: Plan) -> dict[str, float]:
    out: dict[str, float] = {}
    for run in plan.production:
        out[run.machine_id] = out.get(run.machine_id, 0.0) + run.quantity
    return out


def caused_by(request_id: str) -> Callable[[EventStore], Plan | None]:
    def look(store: EventStore) -> Plan | None:
        return next((p for p in store.plans() if request_id in p.causes), None)

    return look


def split_causes(plan: Plan, request_id: str, alert_ids: set[str]) -> list[str]:
    """The causes of `plan` besides `request_id`, each checked to be a recorded alert.

    A replan takes every alert queued since the last one along with the
    request that triggered it, so a request is one cause among possibly several.
    """
    assert request_id in plan.causes, f"{request_id} not among {plan.causes}"
    others = [c for c in plan.causes if c != request_id]
    assert set(others) <= alert_ids, f"causes neither the request nor recorded alerts: {others}"
    return others


def plans_and_commands(store: EventStore) -> tuple[list[str], list[str]]:
    """Every stored plan id, and every stored command id (plan by plan), in order."""
    plans = [p.plan_id for p in store.plans()]
    return plans, [c.command_id for p in plans for c in store.commands(p)]


def finally_acked(plan_id: str) -> Callable[[EventStore], dict[str, set[str]] | None]:
    """The ack statuses of every command of `plan_id`, once each has `done` or `rejected`."""

    def look(store: EventStore) -> dict[str, set[str]] | None:
        commands = store.commands(plan_id)
        statuses = {
            c.command_id: {str(a.status) for a in store.acks(c.command_id)} for c in commands
        }
        finished = all(s & {"done", "rejected"} for s in statuses.values())
        return statuses if commands and finished else None

    return look


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` under uvicorn on 127.0.0.1 and a free port (its base URL), stopped afterwards."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-ops-center", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


async def listen(
    base: str, key: str, plans: list[dict[str, Any]], connected: asyncio.Event
) -> None:
    """Collect the `plan` events of the live stream, as the page's `EventSource` would."""
    async with (
        httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(5, read=None)) as client,
        client.stream("GET", "/api/stream", headers={"X-API-Key": key}) as response,
    ):
        assert response.status_code == 200
        kind = ""
        async for line in response.aiter_lines():
            if line == ": connected":
                connected.set()
            elif line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "plan":
                plans.append(json.loads(line.removeprefix("data: ")))


@asynccontextmanager
async def streaming(base: str, key: str) -> AsyncIterator[list[dict[str, Any]]]:
    """The plans streamed to a client connected from now on, until the block ends."""
    plans: list[dict[str, Any]] = []
    connected = asyncio.Event()
    task = asyncio.create_task(listen(base, key, plans, connected), name="sse-client")
    waiting = asyncio.create_task(connected.wait())
    done, _ = await asyncio.wait({task, waiting}, timeout=10, return_when="FIRST_COMPLETED")
    waiting.cancel()
    if task in done:
        task.result()  # raises what went wrong
    assert connected.is_set(), "the event stream did not connect"
    try:
        yield plans
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def look(url: str, fn: Callable[[EventStore], Any]) -> Any:
    with open_store(url) as store:
        return fn(store)


def production_app(scenario: Scenario, url: str, admin_secret: str) -> Any:
    """The API over the store at `url`, production settings with a real secret, polling fast."""
    settings = Settings(
        environment="production",
        secret_key=secrets.token_urlsafe(48),
        admin_key=admin_secret,
        poll_s=0.2,
        asset_poll_s=1.0,
    )
    return create_app(settings, store_url=url, scenario=scenario)


async def tell(scenario: Scenario, tmp: Path) -> Story:
    """Run the whole story once; see the module docstring."""
    network = scenario.network
    url = f"sqlite:///{tmp / 'events.db'}"
    broker, creds = acl_broker(tmp, network)
    app = production_app(scenario, url, ADMIN_SECRET)
    with broker, serving(app) as base:
        fleet = Fleet(
            scenario=scenario,
            broker=BrokerAddress("127.0.0.1", broker.port),
            credentials=creds,
            settings=FLEET,
            start=datetime.now(UTC),
        )
        directory = InlineDirectory.start(network, store_url=url)
        loop = LiveLoop(
            network=network,
            planning=operator_only(scenario.planning),
            directory=directory,
            store_url=url,
            brokers=Brokers.logged_in(broker.url, creds),
            settings=LIVE,
        )
        admin = {"X-API-Key": f"admin.{ADMIN_SECRET}"}
        try:
            async with (
                fleet,
                running(loop),
                httpx.AsyncClient(base_url=base, timeout=30) as http,
            ):
                keys = {}
                for role in ("viewer", "operator"):
                    made = await http.post(
                        "/api/users", json={"name": role, "role": role}, headers=admin
                    )
                    assert made.status_code == 201, made.text
                    keys[role] = {"X-API-Key": made.json()["api_key"]}
                [first] = await eventually(url, lambda s: s.plans(), timeout_s=WAIT_S)

                # A viewer may watch but not steer.
                since = datetime.now(UTC) - timedelta(seconds=1)
                viewer_replan = await http.post(
                    "/api/control/replan", json={}, headers=keys["viewer"]
                )
                refusals = await http.get(
                    "/api/audit/refusals", params={"since": since.isoformat()}, headers=admin
                )
                requests = await http.get(
                    "/api/control/requests",
                    params={"since": (since - timedelta(hours=1)).isoformat()},
                    headers=keys["viewer"],
                )

                # The page connects once the API has seen the first plan: what follows is news.
                feed = app.state.context.feed
                deadline = time.monotonic() + WAIT_S
                while feed.current_plan_id != first.plan_id:
                    assert time.monotonic() < deadline, "the API's feed never saw the first plan"
                    await asyncio.sleep(0.05)
                async with streaming(base, keys["viewer"]["X-API-Key"]) as streamed:
                    # The operator asks for a replan.
                    asked_for = await http.post(
                        "/api/control/replan",
                        json={"comment": "check the plan"},
                        headers=keys["operator"],
                    )
                    assert asked_for.status_code == 202, asked_for.text
                    replan_request = asked_for.json()
                    asked = await eventually(
                        url, caused_by(replan_request["request_id"]), timeout_s=WAIT_S
                    )
                    asked_via_api = (
                        await http.get(f"/api/plans/{asked.plan_id}", headers=keys["viewer"])
                    ).json()

                    # The admin takes the busiest machine out.
                    busiest = max(production_of(asked).items(), key=lambda kv: kv[1])[0]
                    set_out = await http.post(
                        "/api/control/overrides",
                        json={
                            "override": {"kind": "machine_out", "machine_id": busiest},
                            "comment": "bearing noise",
                        },
                        headers=admin,
                    )
                    assert set_out.status_code == 201, set_out.text
                    override_request = set_out.json()
                    overrides = (
                        await http.get("/api/control/overrides", headers=keys["viewer"])
                    ).json()
                    without = await eventually(
                        url, caused_by(override_request["request_id"]), timeout_s=WAIT_S
                    )
                    acks = await eventually(url, finally_acked(without.plan_id), timeout_s=WAIT_S)
                    without_commands = await asyncio.to_thread(
                        look, url, lambda s: s.commands(without.plan_id)
                    )

                    # A what-if: another producing machine down.
                    down = max(
                        (kv for kv in production_of(without).items() if kv[0] != busiest),
                        key=lambda kv: kv[1],
                    )[0]
                    before = await asyncio.to_thread(look, url, plans_and_commands)
                    whatif = await http.post(
                        "/api/control/what-if",
                        json={"event": {"kind": "machine_down", "machine_id": down}},
                        headers=keys["operator"],
                    )
                    assert whatif.status_code == 200, whatif.text
                    after = await asyncio.to_thread(look, url, plans_and_commands)
                    whatif_id = whatif.json()["plan"]["plan_id"]
                    stored = await asyncio.to_thread(
                        look, url, lambda s: s.plan(whatif_id) is not None
                    )

                    # A replan after it: the loop went on, with nothing of the what-if.
                    again = await http.post(
                        "/api/control/replan", json={}, headers=keys["operator"]
                    )
                    assert again.status_code == 202, again.text
                    barrier = await eventually(
                        url, caused_by(again.json()["request_id"]), timeout_s=WAIT_S
                    )
                    await eventually(url, finally_acked(barrier.plan_id), timeout_s=WAIT_S)
                    after_barrier = await asyncio.to_thread(look, url, plans_and_commands)

                    # The stream announced the plans made while connected.
                    deadline = time.monotonic() + WAIT_S
                    while barrier.plan_id not in {p["plan_id"] for p in streamed}:
                        assert time.monotonic() < deadline, f"plans streamed: {streamed}"
                        await asyncio.sleep(0.1)
                    streamed_plans = list(streamed)
                fleet.stop()
            alert_ids = await asyncio.to_thread(
                look, url, lambda s: {a.alert_id for a in s.alerts(EPOCH, LATER)}
            )
        finally:
            directory.close()
    return Story(
        n_assets=len(network.asset_kinds()),
        first=first,
        viewer_replan=viewer_replan,
        viewer_refusals=refusals.json(),
        requests_after_refusal=requests.json(),
        replan_request=replan_request,
        asked=asked,
        asked_via_api=asked_via_api,
        busiest=busiest,
        override_request=override_request,
        overrides_listed=overrides,
        without=without,
        without_commands=without_commands,
        without_acks=acks,
        whatif_response=whatif.json(),
        whatif_down=down,
        store_before_whatif=before,
        store_after_whatif=after,
        whatif_plan_stored=stored,
        barrier=barrier,
        store_after_barrier=after_barrier,
        streamed_plans=streamed_plans,
        alert_ids=alert_ids,
    )


@pytest.fixture(scope="module")
def story(demo_scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """The story, told once for the checks below (the route audit on every plan, as everywhere)."""
    from optimizer.route_audit import audit_routes
    from optimizer.warm import WarmPlanner

    original = WarmPlanner.plan

    def audited(self: WarmPlanner, snapshot: Any, settings: Any, **kwargs: Any) -> Plan:
        plan = original(self, snapshot, settings, **kwargs)
        if plan.status not in (PlanStatus.STALE, PlanStatus.ERROR):
            problems = audit_routes(plan, snapshot, settings)
            assert not problems, f"plan {plan.plan_id} fails the route audit: {problems}"
        return plan

    executable("mosquitto")  # skips (or fails under SUPPLYSYNC_REQUIRE_SERVICES=1) without it
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WarmPlanner, "plan", audited)
        return asyncio.run(tell(demo_scenario, tmp_path_factory.mktemp("ops-center")))


def test_the_first_plan_is_the_tick_at_start(story: Story) -> None:
    assert story.first.causes == []
    assert story.first.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)


def test_a_viewer_is_refused_replan_and_the_refusal_is_recorded(story: Story) -> None:
    assert story.viewer_replan.status_code == 403
    assert story.viewer_replan.json() == {"detail": "needs role operator"}
    mine = [r for r in story.viewer_refusals if r["path"] == "/api/control/replan"]
    assert [(r["who"], r["method"], r["status"], r["reason"]) for r in mine] == [
        ("viewer", "POST", 403, "needs role operator")
    ]
    assert story.requests_after_refusal == []  # nothing reached the live loop


def test_an_operator_replan_makes_a_live_plan_caused_by_the_request(story: Story) -> None:
    request = story.replan_request
    assert (request["action"], request["by"], request["comment"]) == (
        "replan",
        "operator",
        "check the plan",
    )
    alerts = split_causes(story.asked, request["request_id"], story.alert_ids)
    assert story.asked.plan_id != story.first.plan_id
    assert story.asked_via_api["plan"]["plan_id"] == story.asked.plan_id
    assert story.asked_via_api["plan"]["causes"] == story.asked.causes
    # The API explains the plan by the recorded alerts among its causes.
    assert [a["alert_id"] for a in story.asked_via_api["causes"]] == alerts
    assert production_of(story.asked)[story.busiest] > 0


def test_a_machine_out_set_by_the_admin_gets_no_production_in_the_next_plan(story: Story) -> None:
    request = story.override_request
    assert (request["action"], request["by"]) == ("set", "admin")
    assert story.overrides_listed == [
        {
            "key": f"machine_out:{story.busiest}",
            "override": {"kind": "machine_out", "machine_id": story.busiest},
        }
    ]
    split_causes(story.without, request["request_id"], story.alert_ids)
    produced = production_of(story.without)
    assert story.busiest not in produced
    others = {m: q for m, q in produced.items() if m != story.busiest}
    assert len(others) >= 1 and sum(others.values()) > 0
    # Every asset got its part, the machine taken out an empty production order, and
    # every device answered.
    assert len(story.without_commands) == story.n_assets
    [order] = [c for c in story.without_commands if c.asset_id == story.busiest]
    assert isinstance(order.body, ProduceOrder) and order.body.runs == []
    assert len(story.without_acks) == story.n_assets
    assert all("received" in statuses for statuses in story.without_acks.values())
    assert story.without_acks[order.command_id] >= {"received", "done"}


def test_a_what_if_returns_a_plan_and_dispatches_nothing(story: Story) -> None:
    answer = story.whatif_response
    plan = Plan.model_validate(answer["plan"])
    assert plan.plan_id.startswith("what-if-")
    assert plan.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    assert answer["based_on_plan_id"] == story.without.plan_id
    assert answer["overrides"] == [{"kind": "machine_out", "machine_id": story.busiest}]
    produced = production_of(plan)
    assert story.whatif_down not in produced and story.busiest not in produced
    assert sum(produced.values()) > 0
    # The store: the same plans and commands right after it, and it never appears.
    assert story.store_after_whatif == story.store_before_whatif
    assert not story.whatif_plan_stored
    # The next live plan follows on from the last real one; only its commands are new.
    plans, commands = story.store_before_whatif
    later_plans, later_commands = story.store_after_barrier
    assert later_plans == [*plans, story.barrier.plan_id]
    assert later_commands[: len(commands)] == commands
    assert len(later_commands) == len(commands) + story.n_assets
    assert not any(p.startswith("what-if") for p in later_plans)
    # Live, the override is still in force and the what-if's machine is not down.
    assert story.busiest not in production_of(story.barrier)
    assert production_of(story.barrier)[story.whatif_down] > 0


def test_the_stream_announces_each_new_plan_with_its_causes(story: Story) -> None:
    streamed = [(p["plan_id"], p["causes"]) for p in story.streamed_plans]
    assert streamed == [
        (story.asked.plan_id, story.asked.causes),
        (story.without.plan_id, story.without.causes),
        (story.barrier.plan_id, story.barrier.causes),
    ]
