"""Fuzzing the orders' way in: messages at and beyond every bound, through codec, store, restart,
the live loop's intake and a replan.

Hypothesis draws what the ERP's order gateway publishes: orders, proofs of
delivery and cancellations whose quantities straddle their bounds
(Infinity, NaN, 1e308, integers past any float, zero, negatives, exactly the
limits), whose times run from year 1 to 9999 in any time zone, whose ids
are empty, long or carry control characters, for the topic's customer,
another one or none the network knows, and for products the network may not
have. Each payload either decodes or becomes a dead letter naming a field.
Everything is recorded as the ingest records it (the dead letters too), and
the store is read back the way the live loop starts (`StoreReader.orders`):
every accepted order, proof and cancellation must be there, every refusal a
dead letter with its reason. What came back goes through the loop's intake
into the coordinator's order book and a replan, whose snapshot and plan are
stored and must load again.

Each message draws how often its fields stray (never, now and then, mostly),
so that whole messages pass often enough to exercise the store, the book and
the planner, not only the refusals. `MAX_EXAMPLES` batches per run keep this
inside the suite's budget; the replans use the reorder-point rule, which
takes milliseconds, and one MILP replan at the end plans every order that
was accepted in the run.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.mqtt.codec import Orders, decode
from adapters.mqtt.roster import Roster
from adapters.mqtt.topics import orders_topic
from adapters.store import Record, open_store
from cluster.live.reader import StoreReader
from policies.plugins import load_policy
from replan import TurnInputs
from replan.intake import OrderIntake, OrderNews
from runtime.coordinator import Coordinator
from runtime.directory import InlineDirectory
from supplysync.commands import Command
from supplysync.deadletters import DeadLetter
from supplysync.network import Network
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.scenario import Scenario
from tests.fuzz.fields import Fields, edges

R = TypeVar("R")

MAX_EXAMPLES = 300
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)  # the demo's first day, while its agents are fresh

OWN, OTHER, STRANGER = "C-ESSEN", "C-BONN", "C-NOWHERE"  # STRANGER is no customer of the network
KNOWN_PRODUCTS = ("PUMP", "REAGENT")
UNKNOWN_PRODUCT = "NOPE"  # a well-formed id the network has no product for


# Valid values include the bounds themselves; "beyond" values are out of
# bounds or malformed. A field draws from "beyond" with the message's rate.
QUANTITY = st.one_of(
    edges(1e9, 1.0, 0.5, 5e-324, 1e-9, 10),
    st.floats(1e-6, 1e9),
    st.integers(1, 1000),
)
QUANTITY_BEYOND = st.one_of(
    edges(math.inf, -math.inf, math.nan, 1e308, -1e308, 1e30, 1e9 + 1, 0.0, -0.0, -1.0),
    edges(10**400, 2**63, -(2**63), "5", "", None, [5], {"q": 5}, True),
    st.floats(allow_nan=True, allow_infinity=True),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
WHEN = st.one_of(
    edges("2000-01-01T00:00:00Z", "2099-12-31T23:59:59.999999Z", "2026-03-02T12:00:00+01:00"),
    st.datetimes(
        min_value=datetime(2026, 2, 25), max_value=datetime(2026, 3, 8), timezones=ZONES
    ).map(datetime.isoformat),
    st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=ZONES
    ).map(datetime.isoformat),
)
WHEN_BEYOND = st.one_of(
    edges(
        *("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1999-12-31T23:59:59.999999Z"),
        *("2100-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:00:00-05:00"),
        *("0001-01-01T00:00:00+01:00", "2026-03-02T12:00:00", "2026-02-30T00:00:00Z"),
        *("", "tomorrow", 1772452800, None),
    ),
    st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=ZONES
    ).map(datetime.isoformat),
)
ORDER_ID = st.one_of(
    edges("o1", "o2", "o3", "ord-C-ESSEN-PUMP-d12", "SO/2026/0001 #7", "x" * 200),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12),
)
ORDER_ID_BEYOND = edges("", "x" * 201, "x" * 10_000, "o\x1f1", "o\n1", "\x00", 7, None, ["o1"])
ID_BEYOND = edges("", "x" * 65, "C ESSEN", "Ä", "a/b", 42, None)
VEHICLE = edges("V-DUI-1", "V-NOWHERE")
FLAG = st.booleans()
FLAG_BEYOND = edges("maybe", 2, None, [])
REASON = edges("", "plant shutdown", "x" * 500)
REASON_BEYOND = edges("x" * 501, 5, None)


def _customer(f: Fields, topic_customer: str) -> Any:
    return f.pick("customer_id", st.just(topic_customer), st.one_of(st.just(OTHER), ID_BEYOND))


def _product(f: Fields) -> Any:
    return f.pick("product_id", st.sampled_from([*KNOWN_PRODUCTS, UNKNOWN_PRODUCT]), ID_BEYOND)


def _order(f: Fields, customer: str) -> dict[str, Any]:
    return f.shaped(
        {
            "order_id": f.pick("order_id", ORDER_ID, ORDER_ID_BEYOND),
            "customer_id": _customer(f, customer),
            "product_id": _product(f),
            "quantity": f.pick("quantity", QUANTITY, QUANTITY_BEYOND),
            "due": f.pick("due", WHEN, WHEN_BEYOND),
            "created_at": f.pick("created_at", WHEN, WHEN_BEYOND),
        }
    )


def _proof(f: Fields, customer: str) -> dict[str, Any]:
    return f.shaped(
        {
            "order_id": f.pick("order_id", ORDER_ID, ORDER_ID_BEYOND),
            "customer_id": _customer(f, customer),
            "product_id": _product(f),
            "quantity": f.pick("quantity", QUANTITY, QUANTITY_BEYOND),
            "ts": f.pick("ts", WHEN, WHEN_BEYOND),
            "vehicle_id": f.pick("vehicle_id", VEHICLE, ID_BEYOND),
            "accepted": f.pick("accepted", FLAG, FLAG_BEYOND),
            "on_time": f.pick("on_time", FLAG, FLAG_BEYOND),
        }
    )


def _cancellation(f: Fields, customer: str) -> dict[str, Any]:
    return f.shaped(
        {
            "order_id": f.pick("order_id", ORDER_ID, ORDER_ID_BEYOND),
            "customer_id": _customer(f, customer),
            "ts": f.pick("ts", WHEN, WHEN_BEYOND),
            "reason": f.pick("reason", REASON, REASON_BEYOND),
        }
    )


@dataclass(frozen=True)
class Payload:
    topic: str
    raw: bytes
    items: int
    valid: bool  # every field drawn in bounds: it must decode

    def __repr__(self) -> str:  # what a failure report shows
        return f"Payload({self.topic!r}, {self.raw[:2000]!r}, valid={self.valid})"


@st.composite
def payloads(draw: st.DrawFn, network: Network) -> Payload:
    f = Fields(draw, draw(st.sampled_from([0, 0, 0, 2, 10, 40])), "priority", st.just("high"))
    customer = draw(st.sampled_from([OWN, OWN, OWN, OTHER, STRANGER]))
    if customer == STRANGER:
        topic = f"supplysync/{STRANGER}/customer/{STRANGER}/orders"
    else:
        topic = str(orders_topic(network, customer))
    placed, delivered, cancelled = (draw(st.integers(0, most)) for most in (3, 2, 2))
    body = f.shaped(
        {
            "v": f.pick("v", st.just(1), edges(2, 0, "1", None)),
            "gateway_id": f.pick("gateway_id", edges("erp-1", "g" * 64), ID_BEYOND),
            "orders": [_order(f, customer) for _ in range(placed)],
            "deliveries": [_proof(f, customer) for _ in range(delivered)],
            "cancellations": [_cancellation(f, customer) for _ in range(cancelled)],
        }
    )
    valid = not f.strayed and customer != STRANGER and placed + delivered + cancelled > 0
    # json.dumps writes Infinity and NaN as the JSON writers that emit them do
    return Payload(topic, json.dumps(body).encode(), placed + delivered + cancelled, valid)


class UnchangingAgents(InlineDirectory):
    """The demo's agents in this process, never told of a plan, so every replan sees the same
    offers (a seam fake: the book and the planner are under test, not the agents)."""

    def commit(self, commands: Sequence[Command]) -> None:
        pass


@pytest.fixture(scope="module")
def scenario(demo_scenario: Scenario) -> Scenario:
    return demo_scenario


def _coordinator(scenario: Scenario, agents: InlineDirectory, policy: str) -> Coordinator:
    planning = scenario.planning.model_copy(update={"time_limit_s": 5.0})
    return Coordinator(
        network=scenario.network,
        planning=planning,
        directory=agents,
        policy=load_policy(policy),
        origin=AT,
        run_end=AT + timedelta(days=3),
        plan_prefix=f"fuzz-{policy}",
    )


def _read_at_start(url: str) -> OrderNews:
    """Every stored order, proof and cancellation, read as the live loop reads them at start."""

    async def read() -> OrderNews:
        async with StoreReader(url=url) as reader:
            return await reader.orders()

    return asyncio.run(read())


def _first_by(items: Sequence[R], key: Callable[[R], Hashable]) -> dict[Hashable, R]:
    """The first item of each key: the store keeps the first write of a natural key."""
    out: dict[Hashable, R] = {}
    for item in items:
        out.setdefault(key(item), item)
    return out


def _proof_key(pod: ProofOfDelivery) -> tuple[str, str, str]:
    """The store's natural key of a proof of delivery: one drop of one order."""
    return (pod.order_id, pod.vehicle_id, pod.ts.isoformat())


def _plan_and_store(url: str, coordinator: Coordinator, news: OrderNews) -> None:
    """What the live loop does with orders: the intake, the book, a replan, the plan recorded."""
    dispatch = coordinator.step(
        TurnInputs(
            AT,
            orders=news.orders,
            deliveries=news.deliveries,
            cancellations=news.cancellations,
            requests=["fuzz"],
        )
    )
    assert dispatch is not None
    assert dispatch.snapshot is not None
    firm = {line.order_id for line in dispatch.snapshot.demand if line.order_id is not None}
    assert firm <= {o.order_id for o in news.orders}
    with open_store(url) as store:
        store.append([dispatch.snapshot, dispatch.plan])
    with open_store(url) as store:  # a restart: the recorded plan and its snapshot load
        assert store.plan(dispatch.plan.plan_id) == dispatch.plan
        assert store.latest_network() == dispatch.snapshot


def test_every_order_message_is_stored_reloaded_and_planned_or_refused_naming_a_field(
    scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> None:
    network = scenario.network
    roster = Roster(network)
    customers, products = {c.id for c in network.customers}, {p.id for p in network.products}
    agents = UnchangingAgents.start(network)
    outcomes = {"stored": 0, "refused": 0, "held_back": 0}
    every_order: list[CustomerOrder] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same batches on every run, so the suite cannot flake
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(batch=st.lists(payloads(network), min_size=1, max_size=3))
    def check(batch: list[Payload]) -> None:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/events.db"
        accepted: list[Record] = []
        letters: list[DeadLetter] = []
        for n, payload in enumerate(batch):
            decoded = decode(payload.topic, payload.raw, at=AT, n=n, roster=roster)
            if isinstance(decoded, DeadLetter):
                assert not payload.valid, decoded.reason
                named = decoded.reason.split(":")[0]
                assert named, decoded.reason
                if named == "payload":  # the message as a whole: only when it holds nothing
                    assert payload.items == 0 and "Expected at least one" in decoded.reason
                letters.append(decoded)
                outcomes["refused"] += 1
                continue
            assert isinstance(decoded, Orders)
            message = decoded.message
            accepted.extend([*message.orders, *message.deliveries, *message.cancellations])
            outcomes["stored"] += 1
        with open_store(url) as store:  # as the sink records a batch: everything, then the ack
            store.append([*accepted, *letters])
        news = _read_at_start(url)  # a restart
        orders = [r for r in accepted if isinstance(r, CustomerOrder)]
        proofs = [r for r in accepted if isinstance(r, ProofOfDelivery)]
        cancellations = [r for r in accepted if isinstance(r, OrderCancellation)]
        assert _first_by(news.orders, lambda o: o.order_id) == _first_by(
            orders, lambda o: o.order_id
        )
        assert _first_by(news.deliveries, _proof_key) == _first_by(proofs, _proof_key)
        assert _first_by(news.cancellations, lambda c: c.order_id) == _first_by(
            cancellations, lambda c: c.order_id
        )
        with open_store(url) as store:
            kept = store.dead_letters(AT, AT + timedelta(microseconds=1))
        assert {(d.letter_id, d.reason) for d in kept} == {(d.letter_id, d.reason) for d in letters}
        intake = OrderIntake(network)
        intake.take(*news)
        outcomes["held_back"] += intake.refused
        fresh = intake.drain()
        plannable = {
            o.order_id
            for o in news.orders
            if o.customer_id in customers and o.product_id in products
        }
        assert {o.order_id for o in fresh.orders} == plannable
        every_order.extend(fresh.orders)
        _plan_and_store(url, _coordinator(scenario, agents, "reorder_point"), fresh)

    try:
        check()
        # every order any batch let through, planned at once by the planner the live loop runs
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/events.db"
        every = OrderNews(list(_first_by(every_order, lambda o: o.order_id).values()), [], [])
        _plan_and_store(url, _coordinator(scenario, agents, "milp"), every)
    finally:
        agents.close()
    # the draws reach both sides of the bounds, and the network's edge
    assert outcomes["stored"] > 100 and outcomes["refused"] > 100, outcomes
    assert outcomes["held_back"] > 10, outcomes
