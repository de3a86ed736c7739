"""The store sink waits out a database that is away, one writer at a time, and says so."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from adapters.mqtt.broker import Backoff
from adapters.mqtt.sink import Batch, StoreSink
from adapters.store import StoreError, open_store
from supplysync.orders import CustomerOrder
from tests.adapters.mqtt.test_ingest import EVER
from tests.adapters.store import records as r
from tests.databases import PrivatePostgres
from tests.replan.test_intake import order

QUICK = Backoff(initial_s=0.05, maximum_s=0.2)


def test_writes_wait_while_the_server_is_down_and_go_through_once_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    readings = r.readings()

    async def scenario(pg: PrivatePostgres) -> None:
        async with StoreSink(url=pg.url, backoff=QUICK, seed=0) as sink:
            await sink.append(readings[:1])
            await asyncio.to_thread(pg.stop, "immediate")
            writers = [asyncio.create_task(sink.append([reading])) for reading in readings[1:]]
            async with asyncio.timeout(20):
                while len(_retries(caplog)) < 3:
                    await asyncio.sleep(0.02)
            assert not any(w.done() for w in writers)
            await asyncio.to_thread(pg.start)
            async with asyncio.timeout(20):
                await asyncio.gather(*writers)

    with caplog.at_level(logging.INFO, logger="adapters.mqtt.sink"), PrivatePostgres() as pg:
        asyncio.run(scenario(pg))
        with open_store(pg.url) as store:
            stored = [x for asset in ("M1", "V1", "W1") for x in store.readings(asset, *EVER)]
    assert sorted(stored, key=readings.index) == readings
    retries = _retries(caplog)
    assert all(m.startswith(f"store: {pg.url}: ") for m in retries)
    assert f"{pg.url}: failed: " in retries[0]  # the connection it held
    assert "cannot open" in retries[-1]  # then each attempt to connect again
    # one writer waits the outage out, the others queue behind it
    assert sum("written again after" in m for m in caplog.messages) == 1


def test_a_refusal_that_is_not_an_outage_is_raised_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/events.db"
    with open_store(url), sqlite3.connect(tmp_path / "events.db") as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'no'); END"
        )

    async def scenario() -> None:
        async with StoreSink(url=url, backoff=QUICK) as sink:
            with pytest.raises(StoreError, match="no"):
                await sink.append(r.alerts())

    asyncio.run(scenario())


def _retries(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [m for m in caplog.messages if "reconnecting in" in m]


def test_an_order_id_that_names_another_order_is_a_dead_letter(tmp_path: Path) -> None:
    """An order id is one order: a second, different order under it is refused, not dropped.

    The store keeps one record per order id, so a second order under a
    stored id (another customer's, another quantity) was acknowledged and
    silently lost. A redelivery of the same order is still taken once.
    """
    url = f"sqlite:///{tmp_path}/events.db"
    handed: list[list[str]] = []
    first = order("o-1")
    other = order("o-1", customer="C-BONN")
    twins = [order("o-3"), order("o-3", product="VALVE")]

    async def scenario() -> None:
        async with StoreSink(
            url=url, on_orders=lambda o, d, c: handed.append([x.order_id for x in o])
        ) as sink:
            await sink.record(Batch(orders=[first]))
            await sink.record(Batch(orders=[other, first, order("o-2")]))
            await sink.record(Batch(orders=twins))

    asyncio.run(scenario())
    with open_store(url) as store:
        letters = store.dead_letters(*EVER)
        stored = store.orders(*EVER)
    assert handed == [["o-1"], ["o-1", "o-2"], ["o-3"]]
    assert sorted((o.order_id, o.customer_id, o.product_id) for o in stored) == [
        ("o-1", "C-ESSEN", "PUMP"),
        ("o-2", "C-ESSEN", "PUMP"),
        ("o-3", "C-ESSEN", "PUMP"),
    ]
    assert len(letters) == 2
    assert {CustomerOrder.model_validate_json(x.raw) for x in letters} == {other, twins[1]}
    reasons = sorted(x.reason for x in letters)
    assert reasons[0].startswith("order_id 'o-1' already names another order (C-ESSEN, PUMP")
    assert reasons[1].startswith("order_id 'o-3' already names another order (C-ESSEN, PUMP")
    assert all(
        x.topic == f"supplysync/{o.customer_id}/customer/{o.customer_id}/orders"
        for x, o in zip(sorted(letters, key=lambda x: x.reason), [other, twins[1]], strict=True)
    )
