"""`supplysync run` through a PostgreSQL restart under load: it reconnects and loses nothing.

`run` writes to a PostgreSQL server of the test's own while a publisher
sends a stream of QoS 1 stock levels, one asset's, each a row of its own.
Once the store holds part of the stream the server is restarted (`fast`:
every session told `terminating connection due to administrator command`;
`immediate`: killed, recovered from its WAL at the next start) while the
publisher goes on. Afterwards `run` must still be running, must have said
that it lost the store and waited for it, and the store must hold every
published reading exactly once (the ingest acknowledges a message only
once its batch committed, so whatever the broker let go of is stored). An
operator's replan asked after the restart is read and its plan recorded:
the loop's own reads and writes came back too.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiomqtt
import psycopg
import pytest

from adapters.mqtt.broker import BrokerAddress, Session, client
from adapters.mqtt.topics import subscription, topic_of
from adapters.store import open_store
from supplysync.control import OperatorRequest
from supplysync.readings import StockLevelReading
from supplysync.scenario import Scenario
from tests.brokers import PrivateBroker
from tests.cluster.live_harness import eventually
from tests.conftest import DEMO_SCENARIO, ROOT
from tests.databases import PrivatePostgres, ShutdownMode

pytestmark = pytest.mark.e2e

ASSET = "W-DUI"
READINGS = 2_000
PUBLISHED_BEFORE = 1_200
"""Readings published before the restart may begin; the rest go out while it runs."""
RESTART_AT = 500
"""Readings in the store when the server is restarted."""
DEADLINE_S = 90.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATER = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_run_rides_out_a_postgres_restart_and_stores_every_acknowledged_reading_once(
    demo_scenario: Scenario, tmp_path: Path, mode: ShutdownMode
) -> None:
    (tmp_path / "broker").mkdir()
    log = tmp_path / "run.log"
    with PrivatePostgres() as pg, PrivateBroker(tmp_path / "broker") as broker:
        try:
            code = asyncio.run(_scenario(demo_scenario, pg, broker, log, mode))
        except (AssertionError, TimeoutError) as exc:
            raise AssertionError(f"{exc!r}\n--- run's log:\n{log.read_text()}") from exc
        with open_store(pg.url) as store:
            seqs = sorted(r.seq for r in store.readings(ASSET, EPOCH, LATER))
        rows = _stored(pg.url)
    err = log.read_text()
    assert code == 0, err
    assert seqs == list(range(READINGS)), err
    assert rows == READINGS
    assert re.search(r"^supplysync run: store: .+; reconnecting in \d+\.\d\ds$", err, re.M), err
    assert "supplysync run: store: written again after" in err, err
    assert f"stopped: {READINGS} readings" in err, err  # each handed to the agents once


async def _scenario(
    scenario: Scenario, pg: PrivatePostgres, broker: PrivateBroker, log: Path, mode: ShutdownMode
) -> int:
    await _register_ingest_session(broker)
    with log.open("wb") as err:
        run = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "console", "run", "--broker", broker.url, "--db", pg.url),
            *("--scenario", str(DEMO_SCENARIO), "--placement", "inline"),
            cwd=ROOT,
            stderr=err,
        )
        try:
            async with asyncio.timeout(DEADLINE_S):
                await eventually(pg.url, lambda s: s.plans(), timeout_s=DEADLINE_S)
                restarting = asyncio.Event()
                publishing = asyncio.create_task(_publish(scenario, broker, restarting))
                await _until_stored(pg.url, RESTART_AT, run)
                restarting.set()
                await asyncio.to_thread(pg.restart, mode)
                _ask_replan(pg.url)
                await publishing
                await _until_stored(pg.url, READINGS, run)
                await eventually(pg.url, lambda s: [p for p in s.plans() if "r-after" in p.causes])
            assert run.returncode is None, "run exited"
        finally:
            if run.returncode is None:
                run.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(run.wait(), 60)
    return code


async def _register_ingest_session(broker: PrivateBroker) -> None:
    """Open the ingest's persistent session before `run` starts, so the broker queues for it.

    What a broker receives for a session that has not subscribed yet is
    delivered to nobody (docs/operations.md); `run` resumes this session.
    """
    session = Session(client_id="supplysync-ingest")
    async with client(BrokerAddress.parse(broker.url), session, manual_ack=True) as mqtt:
        await mqtt.subscribe(subscription("events"), qos=1)


async def _publish(scenario: Scenario, broker: PrivateBroker, restarting: asyncio.Event) -> None:
    """The stream at QoS 1, each publish awaited until the broker has it."""
    topic = str(topic_of(scenario.network, ASSET, "events"))
    start = datetime.now(UTC)
    async with aiomqtt.Client("127.0.0.1", broker.port, identifier="pg-restart-device") as mqtt:
        for seq in range(READINGS):
            if seq == PUBLISHED_BEFORE:
                await restarting.wait()
            reading = StockLevelReading(
                device_id=f"{ASSET}-probe",
                asset_id=ASSET,
                seq=seq,
                ts=start + timedelta(milliseconds=seq),
                product_id="VALVE",
                units=260,  # above the reorder point: no alert, no replan
            )
            await mqtt.publish(topic, reading.model_dump_json().encode(), qos=1)


def _ask_replan(url: str) -> None:
    """An operator's replan, as the API records it."""
    request = OperatorRequest(request_id="r-after", action="replan", by="ops", at=datetime.now(UTC))
    with open_store(url) as store:
        store.append([request])


def _stored(url: str) -> int | None:
    """Stored rows of the stream, or None while the server cannot be reached."""
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            row = conn.execute(
                "SELECT count(*) FROM events WHERE kind = 'reading' AND asset_id = %s", (ASSET,)
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return None if row is None else int(row[0])


async def _until_stored(url: str, n: int, run: asyncio.subprocess.Process) -> None:
    """Poll until the store holds `n` readings of the stream; fail at once if `run` exits."""
    while True:
        found = await asyncio.to_thread(_stored, url)
        if found is not None and found >= n:
            return
        assert run.returncode is None, f"run exited {run.returncode} with {found} readings stored"
        await asyncio.sleep(0.05)
