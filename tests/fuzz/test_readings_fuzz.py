"""Fuzzing the way in: payloads at and beyond every bound, through codec, store, restart, agents.

Hypothesis draws readings whose numbers straddle their bounds (Infinity,
NaN, 1e308, negatives, exactly the limits), sequence numbers around 2^53 and
times from year 1 to 9999, published as JSON the way a device would. Each
payload either decodes, or becomes a dead letter naming a field. Whatever
decodes is stored, read back equal after the store is opened again (a
restart), and folded into the asset's agent, whose state must stay finite
JSON. `MAX_EXAMPLES` payloads per run keep this inside the suite's budget.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.mqtt.codec import Readings, decode
from adapters.store import open_store
from agents.factory import build_agent
from agents.states import state_json
from supplysync.deadletters import DeadLetter
from supplysync.network import Network
from supplysync.readings import Reading
from supplysync.scenario import Scenario

MAX_EXAMPLES = 300
AT = datetime(2026, 3, 2, 12, tzinfo=UTC)

ASSET = {"warehouse": "W-DUI", "machine": "M-DUI-1", "vehicle": "V-DUI-1", "supplier": "S-RHEIN"}
SITE = {"W-DUI": "W-DUI", "M-DUI-1": "P-DUI", "V-DUI-1": "W-DUI", "S-RHEIN": "S-RHEIN"}

EDGES = st.sampled_from(
    [math.inf, -math.inf, math.nan, 1e308, -1e308, 1e30, 1e9, 1e6, -1.0, 0.0, 100.0, 300.0]
)
# Each field draws in bounds about half the time, so that whole readings pass
# often enough to exercise the store and the agents, not only the refusals.
NUMBER = st.one_of(
    EDGES,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 10**6),
    st.floats(0.0, 100.0),
    st.integers(0, 100),
)
SEQ = st.one_of(
    st.sampled_from([0, 2**53 - 1, 2**53, 2**63, -1, 10**30]),
    st.integers(0, 2**64),
    st.integers(0, 2**53 - 1),
)
TS = st.one_of(
    st.sampled_from(
        [
            *("0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"),
            *("1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2099-12-31T23:59:59Z"),
        ]
    ),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
)

KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "stock_level": ("warehouse", {"product_id": "PUMP", "units": NUMBER}),
    "rfid_scan": (
        "warehouse",
        {
            "lot_id": st.just("L-1"),
            "product_id": st.just("PUMP"),
            "units": NUMBER,
            "direction": st.sampled_from(["in", "out"]),
            "site_id": st.just("W-DUI"),
        },
    ),
    "humidity": ("warehouse", {"percent_rh": NUMBER}),
    "vibration": ("machine", {"mm_s_rms": NUMBER}),
    "pressure": ("machine", {"kpa": NUMBER}),
    "runtime": ("machine", {"hours": NUMBER, "running": st.booleans()}),
    "output": ("machine", {"product_id": st.just("PUMP"), "units": NUMBER}),
    "temperature": ("vehicle", {"celsius": NUMBER}),
    "location": ("vehicle", {"lat": NUMBER, "lon": NUMBER, "speed_kmh": NUMBER}),
    "fuel": ("vehicle", {"percent": NUMBER}),
    "shock": ("vehicle", {"g": NUMBER}),
}


@st.composite
def payloads(draw: st.DrawFn) -> tuple[str, str, bytes]:
    kind = draw(st.sampled_from(sorted(KINDS)))
    asset_kind, fields = KINDS[kind]
    asset = ASSET[asset_kind]
    body = {
        "kind": kind,
        "device_id": f"{asset}-fuzz",
        "asset_id": asset,
        "seq": draw(SEQ),
        "ts": draw(TS),
        **{
            name: draw(value) if isinstance(value, st.SearchStrategy) else value
            for name, value in fields.items()
        },
    }
    topic = f"supplysync/{SITE[asset]}/{asset_kind}/{asset}/telemetry"
    return asset, topic, json.dumps(body).encode()  # Infinity and NaN as JSON writers emit them


@pytest.fixture(scope="module")
def network(demo_scenario: Scenario) -> Network:
    return demo_scenario.network


def test_every_payload_is_stored_and_reloaded_or_refused_naming_a_field(
    network: Network, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outcomes = {"stored": 0, "refused": 0}

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,  # the same 300 batches on every run, so the suite cannot flake
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(batch=st.lists(payloads(), min_size=1, max_size=5))
    def check(batch: list[tuple[str, str, bytes]]) -> None:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/events.db"
        accepted: list[Reading] = []
        for n, (_, topic, raw) in enumerate(batch):
            decoded = decode(topic, raw, at=AT, n=n)
            if isinstance(decoded, DeadLetter):
                field = decoded.reason.split(":")[0]
                assert field and field != "payload", decoded.reason
                outcomes["refused"] += 1
                continue
            assert isinstance(decoded, Readings)
            accepted.extend(decoded.readings)
            outcomes["stored"] += 1
        with open_store(url) as store:
            store.append(accepted)
        with open_store(url) as store:  # a restart
            for asset in {r.asset_id for r in accepted}:
                mine = [r for r in accepted if r.asset_id == asset]
                back = store.readings_after(asset, None)
                assert {(r.device_id, r.seq) for r in back} == {(r.device_id, r.seq) for r in mine}
                agent = build_agent(asset, network)
                agent.ingest(back, AT)
                agent.tick(AT)
                json.dumps(state_json(agent.state()), allow_nan=False, default=str)
            assert (
                store.dead_letters(datetime(1, 1, 1, tzinfo=UTC), datetime.max.replace(tzinfo=UTC))
                == []
            )

    check()
    # the draws reach both sides of the bounds
    assert outcomes["stored"] > 100 and outcomes["refused"] > 100, outcomes
