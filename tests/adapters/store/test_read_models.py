"""Read models: what the API reads is what a scan of the log would find, whatever the order.

The latest reading of each asset, kind and subject, and the headline of
each plan, kept by the writer on both databases; a store migrated from the
schema before them is filled from its log when it opens.
"""

from __future__ import annotations

import random
from datetime import timedelta

from adapters.store import open_store
from supplysync.plan import PlanSummary
from supplysync.readings import LocationReading, Reading, StockLevelReading, TemperatureReading
from tests.adapters.store import records as r
from tests.adapters.store.test_migrations import _execute

T0 = r.T0
EARLY = T0 - timedelta(days=1)


def _shelf(seq: int, minutes: int, product: str, units: float) -> StockLevelReading:
    return StockLevelReading(
        device_id="W1-shelf",
        asset_id="W1",
        seq=seq,
        ts=T0 + timedelta(minutes=minutes),
        product_id=product,
        units=units,
    )


def _reefer(seq: int, minutes: int, celsius: float) -> TemperatureReading:
    return TemperatureReading(
        device_id="V1-reefer", asset_id="V1", seq=seq, ts=T0 + timedelta(minutes=minutes),
        celsius=celsius,
    )  # fmt: skip


def _fix(seq: int, minutes: int, shipment: str | None) -> LocationReading:
    return LocationReading(
        device_id="V1-gnss", asset_id="V1", seq=seq, ts=T0 + timedelta(minutes=minutes),
        lat=51.0, lon=7.0 + seq / 100, speed_kmh=50.0, shipment_id=shipment,
    )  # fmt: skip


def _scan_latest(readings: list[Reading]) -> dict[tuple[str, str, str], Reading]:
    """What a scan of the whole log finds: the newest of each asset, kind and subject."""
    newest: dict[tuple[str, str, str], Reading] = {}
    for x in sorted(readings, key=lambda x: (x.ts, x.device_id, x.seq)):
        what = getattr(x, "product_id", None) or getattr(x, "shipment_id", None) or ""
        newest[(x.asset_id, x.kind, what)] = x
    return newest


def test_latest_readings_are_the_newest_whatever_the_arrival_order(store_url: str) -> None:
    log: list[Reading] = [
        *(_shelf(n, n, "P1" if n % 2 else "P2", 100.0 - n) for n in range(12)),
        *(_reefer(n, 3 * n, 4.0 + n / 10) for n in range(10)),  # sampled: stored batched
        *(_fix(n, 2 * n, "S-1" if n > 5 else None) for n in range(10)),
    ]
    shuffled = random.Random(7).sample(log, len(log))
    with open_store(store_url) as store:
        for start in range(0, len(shuffled), 5):  # late readings arrive in later appends
            store.append(shuffled[start : start + 5])
        got = store.latest_readings(EARLY)
    want = _scan_latest(log)
    assert len(got) == len(want) == 5  # P1, P2, temperature, a fix on S-1 and one without
    assert {(x.asset_id, x.kind, x.device_id, x.seq) for x in got} == {
        (x.asset_id, x.kind, x.device_id, x.seq) for x in want.values()
    }
    by_product = {x.product_id: x.units for x in got if isinstance(x, StockLevelReading)}
    assert by_product == {"P1": 100.0 - 11, "P2": 100.0 - 10}


def test_latest_readings_leave_out_what_is_older_than_asked(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append([_shelf(0, 0, "P1", 5.0), _reefer(0, 60, 4.0)])
        assert [x.kind for x in store.latest_readings(T0 + timedelta(minutes=30))] == [
            "temperature"
        ]
        assert store.latest_readings(T0, run_id="other") == []


def test_plan_summaries_are_the_plans_headlines_in_order(store_url: str) -> None:
    plans = [r.plan(f"p-{n}", [f"a-{n}"], minutes=10 * n) for n in (3, 1, 2)]
    with open_store(store_url) as store:
        store.append(plans[:2])
        store.append(plans[2:])
        store.append(plans[:1])  # a plan written twice has one headline
        every = store.plan_summaries()
        assert every == [PlanSummary.of(p) for p in sorted(plans, key=lambda p: p.created_at)]
        window = store.plan_summaries(since=plans[2].created_at, until=plans[0].created_at)
        assert [s.plan_id for s in window] == ["p-2"]
        latest = store.latest_plan()
        assert latest is not None and latest.plan_id == "p-3"
        assert store.latest_plan(run_id="other") is None


def test_a_store_from_before_the_read_models_is_filled_when_it_opens(store_url: str) -> None:
    log: list[Reading] = [
        *(_shelf(0, 0, "P1", 5.0), _shelf(1, 9, "P1", 7.0)),
        *(_reefer(0, 5, 4.0), _reefer(1, 2, 9.0)),
    ]
    plans = [r.plan("p-1", ["a-1"], minutes=5), r.plan("p-2", [], minutes=50)]
    with open_store(store_url) as store:
        store.append([*log, *plans])
    # as the code before the read models left it: no tables, version 3
    _execute(
        store_url,
        [
            "DROP TABLE latest_readings",
            "DROP TABLE plan_summaries",
            "DELETE FROM schema_migrations WHERE version >= 4",
        ],
    )
    with open_store(store_url) as store:
        latest = {x.kind: x for x in store.latest_readings(EARLY)}
        assert set(latest) == {"stock_level", "temperature"}
        assert latest["stock_level"].seq == 1 and latest["temperature"].seq == 0
        assert [s.plan_id for s in store.plan_summaries()] == ["p-1", "p-2"]
