"""Fuzzing the operations center's way in: request bodies at and beyond every bound, on every
POST route, against the app over a filled store.

Hypothesis draws the bodies an operator's script, a browser or an attacker
may send: each route's own fields in and out of bounds (NaN, Infinity and
numbers past any float as JSON writers emit them, huge integers, negatives,
long and empty strings, lone surrogates, unknown assets), fields missing or
one too many, other JSON altogether (lists, scalars, deep nesting) and bytes
that are no JSON. Whatever comes in, the app answers below 500; a refusal
carries a `detail` naming what was wrong (the field, for a body that does
not validate); an acceptance is recorded where its read route shows it, and
the read routes still answer 200. At the end the app is made again over the
same store (a restart) and everything accepted is still there.

Each body draws how often its fields stray, so that whole bodies pass often
enough to exercise the records, not only the refusals. What-ifs solve a
MILP each, so they have a test of their own with fewer examples.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from adapters.store import open_store
from api.app import create_app
from supplysync.control import Override, override_key
from supplysync.events import Alert, AlertKind, Severity
from tests.api import data
from tests.api.conftest import Api, TestClient, make_api, seeded_db
from tests.api.conftest import settings as api_settings
from tests.fuzz.fields import Fields, edges

__all__ = ["make_api", "seeded_db"]  # the API tests' fixtures, used here as pytest finds them

MAX_BODY = 64 * 1024  # the API's default `max_body_bytes`
OVERRIDE: TypeAdapter[Any] = TypeAdapter(Override)

MAX_EXAMPLES = 200
MAX_WHAT_IF_EXAMPLES = 100
ACKABLE = [f"fz-{k:03d}" for k in range(40)]  # alerts added to the store, so acks can succeed
READ_ROUTES = (
    "/api/assets",
    "/api/alerts",
    "/api/plans",
    "/api/plans/current",
    "/api/control/requests",
    "/api/control/overrides",
    "/api/kpis",
    "/api/users",
    "/api/auth/me",
)
MAIN_READS = ("/api/assets", "/api/alerts", "/api/plans/current")  # after every acceptance

# the network of tests/api/data.py
MACHINES, VEHICLES, SUPPLIERS = ("M00", "M01", "M02"), ("V00", "V01"), ("S00", "S01")
SITES = ("W00", "W01", "C000", "C001", "C002", "C003", "C004", "C005")
PRODUCTS, CUSTOMERS, REGIONS = ("P00", "P01", "P02"), ("C000", "C003"), ("r0", "r1")


@dataclass(frozen=True)
class Raw:
    """JSON text sent as it is: what no Python value dumps to (1e400, 30,000 brackets)."""

    text: str


def dumps(value: Any) -> str:
    """`value` as JSON text, with NaN and Infinity as Python's writer emits them and `Raw` as is."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def _nested(depth: int) -> Raw:
    return Raw("[" * depth + "]" * depth)


NUMBER_BEYOND = edges(
    *(math.nan, math.inf, -math.inf, 1e308, -1e308, -1, -0.5, 2**63, -(2**63), 10**30),
    *(Raw("1e400"), Raw("-1e400"), Raw("1" + "0" * 5000), Raw("0x10"), Raw("01")),
)
TEXT_BEYOND = edges(
    *("", " ", "\ud800", "\x00", "x" * 2001, "x" * 70_000, "é" * 2001, "<script>", "'; --"),
)
ID_BEYOND = edges("", "M99", "NOPE", "x" * 65, "M 00", "Ä", "\ud800", 0, None)
JUNK_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=16),
    NUMBER_BEYOND,
    TEXT_BEYOND,
)
JUNK = st.recursive(
    JUNK_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
ANY_BEYOND = st.one_of(JUNK, edges(_nested(100), _nested(1000), _nested(30_000)))
BROKEN = edges(b"", b"{", b'{"comment": "a"', b"\xff\xfe", b"{'comment': 1}", b"nul", b"[1,]")


@dataclass(frozen=True)
class Call:
    """One POST: where, the bytes, and what the draw knows of them."""

    route: str
    path: str
    raw: bytes
    strayed: tuple[str, ...] = ()
    valid: bool = False  # every field in bounds and every id known: it must be accepted

    def __repr__(self) -> str:  # what a failure report shows
        return f"Call({self.path!r}, {self.raw[:2000]!r}, strayed={self.strayed})"


def _call(route: str, path: str, f: Fields, body: dict[str, Any], *, known: bool = True) -> Call:
    return Call(route, path, dumps(body).encode(), tuple(f.strayed), known and not f.strayed)


COMMENT = st.one_of(edges("", "x" * 2000, "é" * 2000, "frozen by ops"), st.text(max_size=40))
ACK_COMMENT = st.one_of(edges("x" * 2000, "seen"), st.text(min_size=1, max_size=40))
PERIOD = st.one_of(edges(0, 30), st.integers(0, 30))


def _override(draw: st.DrawFn, f: Fields) -> tuple[dict[str, Any], bool]:
    """An override body and whether every id in it is the network's."""
    kind = draw(st.sampled_from(["freeze_route", "machine_out", "pin_supplier"]))
    if kind == "machine_out":
        machine = f.pick("machine_id", st.sampled_from([*MACHINES, "M99"]), ID_BEYOND)
        return f.shaped({"kind": kind, "machine_id": machine}), machine in MACHINES
    if kind == "pin_supplier":
        product = f.pick("product_id", st.sampled_from([*PRODUCTS, "P99"]), ID_BEYOND)
        supplier = f.pick("supplier_id", st.sampled_from([*SUPPLIERS, "S99"]), ID_BEYOND)
        body = {"kind": kind, "product_id": product, "supplier_id": supplier}
        return f.shaped(body), product in PRODUCTS and supplier in SUPPLIERS
    vehicle = f.pick("vehicle_id", st.sampled_from([*VEHICLES, "V99"]), ID_BEYOND)
    stops = f.pick(
        "stops",
        st.one_of(
            st.lists(st.sampled_from(SITES), min_size=1, max_size=100),
            st.lists(st.sampled_from([*SITES, "X99"]), min_size=1, max_size=4),
        ),
        edges([], ["W00"] * 101, "W00", [None], [["W00"]]),
    )
    body = {"kind": kind, "vehicle_id": vehicle, "period": f.pick("period", PERIOD, NUMBER_BEYOND)}
    known = vehicle in VEHICLES and isinstance(stops, list) and set(stops) <= set(SITES)
    return f.shaped({**body, "stops": stops}), known


STEERING = ("replan", "overrides", "ack", "users", "token", "ticket")


@st.composite
def steering(draw: st.DrawFn, routes: tuple[str, ...] = STEERING) -> Call:
    """A POST to a steering route: replan, override, ack, user, token or stream ticket."""
    f = Fields(draw, draw(st.sampled_from([0, 0, 5, 20, 60])), "extra", JUNK, ANY_BEYOND)
    form = draw(st.sampled_from(["fields"] * 6 + ["junk", "broken"]))
    route = draw(st.sampled_from(routes))
    path = {
        "replan": "/api/control/replan",
        "overrides": "/api/control/overrides",
        "users": "/api/users",
        "token": "/api/auth/token",
        "ticket": "/api/stream/ticket",
    }.get(route) or f"/api/alerts/{draw(st.sampled_from([*ACKABLE, 'a-1', 'nope']))}/ack"
    if form == "junk":
        return Call(route, path, dumps(draw(ANY_BEYOND)).encode(), ("body",))
    if form == "broken":
        return Call(route, path, draw(BROKEN), ("body",))
    if route == "replan":
        return _call(route, path, f, f.shaped({"comment": f.pick("comment", COMMENT, TEXT_BEYOND)}))
    if route == "overrides":
        override, known = _override(draw, f)
        body = {"override": override, "comment": f.pick("comment", COMMENT, TEXT_BEYOND)}
        return _call(route, path, f, f.shaped(body), known=known)
    if route == "ack":
        body = {"comment": f.pick("comment", ACK_COMMENT, TEXT_BEYOND)}
        return _call(route, path, f, f.shaped(body), known="/nope/" not in path)
    if route == "users":
        name = f.pick(
            "name",
            st.one_of(
                st.from_regex(r"\A[a-z0-9_-]{1,64}\Z"),
                st.integers(0, 10**12).map(lambda k: f"user-{k}"),  # seldom taken already
                edges("ops", "a" * 64, "-"),
            ),
            edges("Ops", "a" * 65, "a.b", "a b", "ü"),
        )
        role = f.pick("role", st.sampled_from(["viewer", "operator", "admin"]), edges("root", ""))
        return _call(route, path, f, f.shaped({"name": name, "role": role}))
    # the token and the ticket take no body: whatever is sent is ignored, unless it is too big
    raw = dumps(draw(st.one_of(st.just({}), JUNK))).encode()
    return Call(route, path, raw, valid=len(raw) <= MAX_BODY)


@st.composite
def what_ifs(draw: st.DrawFn) -> Call:
    f = Fields(draw, draw(st.sampled_from([0, 0, 5, 20, 60])), "extra", JUNK, ANY_BEYOND)
    if draw(st.integers(0, 9)) == 0:
        return Call("what-if", "/api/control/what-if", dumps(draw(ANY_BEYOND)).encode(), ("body",))
    kind = draw(st.sampled_from(["machine_down", "demand_change", "supplier_delay"]))
    event: dict[str, Any] = {"kind": kind}
    known = True
    if kind == "machine_down":
        event["machine_id"] = f.pick("machine_id", st.sampled_from([*MACHINES, "M99"]), ID_BEYOND)
        known = event["machine_id"] in MACHINES
    elif kind == "demand_change":
        event["factor"] = f.pick(
            "factor", st.one_of(edges(0, 20, 5e-324, 1.3), st.floats(0, 20)), NUMBER_BEYOND
        )
        for name, ids in (
            ("customer_id", CUSTOMERS),
            ("region", REGIONS),
            ("product_id", PRODUCTS),
        ):
            if draw(st.booleans()):
                event[name] = f.pick(name, st.sampled_from([*ids, "Z9"]), ID_BEYOND)
                known = known and event[name] in ids
    else:
        event["supplier_id"] = f.pick(
            "supplier_id", st.sampled_from([*SUPPLIERS, "S99"]), ID_BEYOND
        )
        known = event["supplier_id"] in SUPPLIERS
        if draw(st.booleans()):
            event["periods"] = f.pick("periods", PERIOD, NUMBER_BEYOND)
        if draw(st.booleans()):
            event["quantity_factor"] = f.pick(
                "quantity_factor", st.one_of(edges(0, 1), st.floats(0, 1)), NUMBER_BEYOND
            )
    body = {"event": f.shaped(event), "comment": f.pick("comment", COMMENT, TEXT_BEYOND)}
    return _call("what-if", "/api/control/what-if", f, f.shaped(body), known=known)


@dataclass
class Outcomes:
    """Calls accepted and refused per route, and what the read routes must show for them."""

    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    overrides: dict[str, Any] = field(default_factory=dict)  # key -> override, as set last
    requests: set[str] = field(default_factory=set)
    acks: dict[str, str] = field(default_factory=dict)  # alert id -> comment
    users: dict[str, str] = field(default_factory=dict)  # name -> role


def _post(client: TestClient, api: Api, call: Call) -> Any:
    headers = {**api.headers("admin"), "content-type": "application/json"}
    response = client.post(call.path, content=call.raw, headers=headers)
    assert response.status_code < 500, (call, response.status_code, response.text)
    return response


def _refused_naming_what(call: Call, status: int, body: Any) -> None:
    """A refusal's `detail` names what was wrong: the field, for a body that did not validate."""
    detail = body["detail"]
    assert detail, (call, status, body)
    if isinstance(detail, str):
        return
    for error in detail:
        assert error["loc"] and error["msg"], (call, error)
    parsed = all(e.get("type") != "json_invalid" for e in detail)  # else: the body's position
    if status == 422 and parsed and len(call.strayed) == 1 and call.strayed[0] != "body":
        (name,) = call.strayed
        named = [str(p) for e in detail for p in e["loc"]] + [e["msg"] for e in detail]
        assert any(name in text for text in named), (call, detail)


def _serving(client: TestClient, api: Api, paths: tuple[str, ...] = READ_ROUTES) -> None:
    for path in paths:
        response = client.get(path, headers=api.headers("admin"))
        assert response.status_code == 200, (path, response.text)


def _recorded(client: TestClient, api: Api, call: Call, answer: Any, seen: Outcomes) -> None:
    """What an accepted call did shows on its read route."""
    admin = api.headers("admin")
    if call.route == "replan":
        seen.requests.add(answer["request_id"])
    elif call.route == "overrides":
        override = answer["override"]
        seen.overrides[override_key(OVERRIDE.validate_python(override))] = override
        seen.requests.add(answer["request_id"])
    elif call.route == "ack":
        seen.acks[answer["alert_id"]] = answer["comment"]
    elif call.route == "users":
        seen.users[answer["name"]] = answer["role"]
        me = client.get("/api/auth/me", headers={"X-API-Key": answer["api_key"]})
        assert me.json() == {"name": answer["name"], "role": answer["role"]}
    elif call.route == "token":
        me = client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {answer['access_token']}"}
        )
        assert me.json() == {"name": "admin", "role": "admin"}
    elif call.route == "ticket":
        assert (
            api.app.state.context.tickets.redeem(answer["ticket"], api.clock.now()).name == "admin"
        )
    elif call.route == "what-if":
        assert answer["plan"]["policy"] == "what-if"
        plan = client.get(f"/api/plans/{answer['plan']['plan_id']}", headers=admin)
        assert plan.status_code == 404  # planned, never stored
    _still_there(client, api, seen, (call.route,))


def _still_there(
    client: TestClient, api: Api, seen: Outcomes, routes: tuple[str, ...] = STEERING
) -> None:
    """Everything `routes` accepted so far shows on its read route (after a restart too)."""
    admin = api.headers("admin")
    if "replan" in routes or "overrides" in routes:
        since = {"since": (data.NOW - timedelta(days=1)).isoformat()}
        requests = client.get("/api/control/requests", headers=admin, params=since).json()
        assert seen.requests <= {r["request_id"] for r in requests}
    if "overrides" in routes:
        listed = client.get("/api/control/overrides", headers=admin).json()
        assert {o["key"]: o["override"] for o in listed} == seen.overrides
    if "ack" in routes:
        alerts = client.get("/api/alerts", headers=admin, params={"acknowledged": True}).json()
        acks = {a["alert"]["alert_id"]: a["ack"]["comment"] for a in alerts}
        assert {k: acks.get(k) for k in seen.acks} == seen.acks
    if "users" in routes:
        users = {u["name"]: u["role"] for u in client.get("/api/users", headers=admin).json()}
        assert {k: users.get(k) for k in seen.users} == seen.users


def _check(client: TestClient, api: Api, call: Call, seen: Outcomes) -> None:
    response = _post(client, api, call)
    if response.status_code >= 400:
        if call.valid:  # a conflict is the only refusal a valid body may meet
            assert response.status_code == 409, (call, response.text)
        _refused_naming_what(call, response.status_code, response.json())
        seen.refused[call.route] += 1
        return
    seen.accepted[call.route] += 1
    _recorded(client, api, call, response.json(), seen)
    _serving(client, api, MAIN_READS)


@pytest.fixture
def fuzzed(make_api: Callable[..., Api]) -> Iterator[tuple[Api, TestClient]]:
    """The app over the filled store, with alerts to acknowledge and what-ifs held to 2 s."""
    api = make_api(whatif_time_limit_s=2.0)
    with open_store(api.url) as store:
        store.append(
            [
                Alert(
                    alert_id=alert_id,
                    asset_id="M01",
                    asset_kind="machine",
                    kind=AlertKind.TREND,
                    severity=Severity.WARNING,
                    ts=data.NOW - timedelta(minutes=k + 1),
                    message="fuzz",
                )
                for k, alert_id in enumerate(ACKABLE)
            ]
        )
    with TestClient(api.app) as client:
        yield api, client


def _after_restart(api: Api, seen: Outcomes) -> None:
    app = create_app(api_settings(), store_url=api.url, clock=api.clock, wall=api.clock)
    with TestClient(app) as client:
        again = Api(app=app, url=api.url, clock=api.clock, keys=api.keys)
        _serving(client, again)
        _still_there(client, again, seen)


def test_every_steering_body_is_recorded_or_refused_naming_what_was_wrong(
    fuzzed: tuple[Api, TestClient],
) -> None:
    api, client = fuzzed
    seen = Outcomes()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same bodies on every run, so the suite cannot flake
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(calls=st.lists(steering(), min_size=1, max_size=3))
    def check(calls: list[Call]) -> None:
        for call in calls:
            _check(client, api, call, seen)

    check()
    _serving(client, api)
    _still_there(client, api, seen)
    _after_restart(api, seen)
    # the draws reach both sides of the bounds on every route that takes a body
    assert seen.accepted.total() > 150 and seen.refused.total() > 100, seen
    routes = {"replan", "overrides", "ack", "users"}
    assert all(seen.accepted[r] >= 10 and seen.refused[r] >= 10 for r in routes), seen
    assert seen.accepted["token"] >= 10 and seen.accepted["ticket"] >= 10, seen


def test_every_what_if_is_planned_or_refused_naming_what_was_wrong(
    fuzzed: tuple[Api, TestClient],
) -> None:
    api, client = fuzzed
    seen = Outcomes()

    @settings(
        max_examples=MAX_WHAT_IF_EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    # now and then an override first, so that what-ifs are planned under fuzzed overrides too
    @given(before=st.lists(steering(("overrides",)), max_size=1), call=what_ifs())
    def check(before: list[Call], call: Call) -> None:
        for earlier in before:
            _check(client, api, earlier, seen)
        _check(client, api, call, seen)

    check()
    _serving(client, api)
    _still_there(client, api, seen)
    _after_restart(api, seen)
    assert seen.accepted["what-if"] >= 25 and seen.refused["what-if"] >= 25, seen
