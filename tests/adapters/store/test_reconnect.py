"""The store through PostgreSQL restarts: the call that meets one fails, the next reconnects.

The ledger shares the connection, and the reconnection with it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from adapters.store import SqlEventStore, StoreError, StoreUnavailableError, open_store
from tests.adapters.store import records as r
from tests.databases import PrivatePostgres

EARLY = datetime(2000, 1, 1, tzinfo=UTC)
LATE = datetime(2100, 1, 1, tzinfo=UTC)


def test_a_held_store_reconnects_after_restarts_and_says_when_the_server_is_away() -> None:
    first, second, third = r.readings()[:3]
    with PrivatePostgres() as pg, open_store(pg.url) as store:
        store.append([first])
        pg.restart("fast")
        with pytest.raises(StoreUnavailableError, match=": failed: ") as lost:
            store.append([second])
        assert "\n" not in str(lost.value)  # one log line
        store.append([second])  # a new connection

        pg.stop("immediate")
        for what in (": failed: ", ": cannot open: ", ": cannot open: "):
            with pytest.raises(StoreUnavailableError, match=what):  # each call tries again
                store.append([third])
        pg.start()
        store.append([third])
        assert store.readings("M1", EARLY, LATE) == [first, second]
        assert store.readings("V1", EARLY, LATE) == [third]

        assert isinstance(store, SqlEventStore)  # the ledger rides on the same connection
        pg.restart("fast")
        with pytest.raises(StoreUnavailableError, match=": failed: "):
            store.ledger.users()
        assert store.ledger.users() == []


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_refusals_that_are_not_the_server_going_away_stay_plain_store_errors(
    store_url: str,
) -> None:
    with open_store(store_url) as store:
        with psycopg.connect(store_url, autocommit=True) as admin:
            admin.execute("ALTER TABLE events ADD CONSTRAINT refuse CHECK (false) NOT VALID")
        with pytest.raises(StoreError, match="refuse") as refused:
            store.append([r.alerts()[0]])
        assert not isinstance(refused.value, StoreUnavailableError)
        assert store.alerts(EARLY, LATE) == []  # the same connection goes on


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_connection_the_server_left_inside_a_pipeline_is_replaced_not_reused(
    store_url: str,
) -> None:
    """A restart can end a pipelined insert with libpq still in pipeline mode and busy.

    psycopg then raises "cannot exit pipeline mode while busy" without marking
    the connection broken; reused, every later call fails the same way, and
    the live sink, which only retries an unavailable server, gives up.
    """
    first, second = r.readings()[:2]
    with open_store(store_url) as store:
        assert isinstance(store, SqlEventStore)
        store.append([first])
        stuck = store._conn.pgconn  # the store's own connection, as a restart leaves it
        stuck.enter_pipeline_mode()
        stuck.send_query_params(b"SELECT 1", None)
        store.append([second])
        assert store.readings("M1", EARLY, LATE) == [first, second]
