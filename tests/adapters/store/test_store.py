"""The event store on both backends: idempotency, round trips, traces, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.store import SqlEventStore, StoreError, open_store, sqlite
from adapters.store.protocol import EventStore
from supplysync.commands import CommandAck
from supplysync.control import MachineOut, OperatorRequest, PinSupplier, active_overrides
from supplysync.deadletters import DeadLetter, letter_id_of
from supplysync.readings import TemperatureReading
from supplysync.scenario import Scenario
from supplysync.status import LoopStatus
from tests.adapters.store import records as r

T0 = r.T0

EARLY = datetime(2000, 1, 1, tzinfo=UTC)
LATE = datetime(2100, 1, 1, tzinfo=UTC)


def _everything() -> list[Any]:
    p1 = r.plan("milp-0001", causes=["a-2", "op-1", "a-1"])
    p2 = r.plan("milp-0002", causes=["a-3"], minutes=90)
    return [
        *r.readings(),
        *r.alerts(),
        r.order(),
        r.delivery(),
        r.cancellation(),
        p1,
        r.command("milp-0001"),
        p2,
    ]


def _snapshot(store: EventStore, run_id: str = "live") -> dict[str, Any]:
    """Everything the read API returns for the sample records' assets."""
    return {
        "readings": [store.readings(a, EARLY, LATE, run_id=run_id) for a in ("M1", "V1", "W1")],
        "alerts": store.alerts(EARLY, LATE, run_id=run_id),
        "plans": store.plans(run_id=run_id),
        "commands": store.commands("milp-0001", run_id=run_id),
        "orders": store.orders(EARLY, LATE, run_id=run_id),
        "deliveries": store.deliveries(EARLY, LATE, run_id=run_id),
        "cancellations": store.cancellations(EARLY, LATE, run_id=run_id),
    }


def test_reads_return_what_was_written(store_url: str) -> None:
    records = _everything()
    with open_store(store_url) as store:
        store.append(records)
        got = _snapshot(store)
    readings = r.readings()
    assert got["readings"] == [readings[:2], [readings[2]], [readings[3]]]
    assert got["alerts"] == r.alerts()
    assert got["plans"] == [records[-3], records[-1]]
    assert got["commands"] == [r.command("milp-0001")]
    assert got["orders"] == [r.order()]
    assert got["deliveries"] == [r.delivery()]
    assert got["cancellations"] == [r.cancellation()]


def test_an_order_is_cancelled_once_whatever_repeats_say(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append([r.cancellation(minutes=50)])
        store.append([r.cancellation(minutes=70)])  # the ERP sent it again, restamped
        assert store.cancellations(EARLY, LATE) == [r.cancellation(minutes=50)]


def test_every_record_written_twice_leaves_the_same_rows(store_url: str) -> None:
    records = _everything()
    with open_store(store_url) as store:
        store.append(records)
        once = _snapshot(store)
        store.append(records)  # the whole batch again
        for record in records:  # and each record on its own
            store.append([record])
        store.append([*records, *records])  # duplicates inside one batch
        assert _snapshot(store) == once


def test_a_batch_of_several_statements_is_stored_once_and_reads_back_equal(
    store_url: str,
) -> None:
    many = [
        TemperatureReading(
            device_id=f"d{i % 3}", asset_id="M9", seq=i, ts=T0 + timedelta(seconds=i), celsius=20.0
        )
        for i in range(sqlite.ROWS_PER_INSERT + 3)  # full statements, then a padded one
    ]
    with open_store(store_url) as store:
        store.append(many[5:9])
        store.append(many)
        store.append(many[-2:])
        assert store.readings("M9", EARLY, LATE) == many


def test_data_survives_reopening(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(_everything())
        before = _snapshot(store)
    with open_store(store_url) as store:
        assert _snapshot(store) == before


def test_causes_of_returns_exactly_the_plans_alerts_in_order(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(_everything())
        alerts = {a.alert_id: a for a in r.alerts()}
        # "op-1" is an operator request, not an alert: nothing to return for it.
        assert store.causes_of("milp-0001") == [alerts["a-2"], alerts["a-1"]]
        assert store.causes_of("milp-0002") == [alerts["a-3"]]
        assert store.causes_of("no-such-plan") == []


def test_plan_lookup(store_url: str) -> None:
    records = _everything()
    with open_store(store_url) as store:
        store.append(records)
        assert store.plan("milp-0002") == records[-1]
        assert store.plan("milp-0003") is None


def test_filters_by_asset_and_half_open_time_range(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(r.alerts())
        m1 = store.alerts(EARLY, LATE, asset_id="M1")
        assert [a.alert_id for a in m1] == ["a-1", "a-2"]
        window = store.alerts(r.T0 + timedelta(minutes=10), r.T0 + timedelta(minutes=30))
        assert [a.alert_id for a in window] == ["a-1", "a-2"]  # until is exclusive


def test_runs_are_kept_apart(store_url: str) -> None:
    with open_store(store_url) as store:
        store.append(r.alerts()[:1], run_id="static")
        store.append(r.alerts(), run_id="milp")
        assert store.runs() == ["milp", "static"]
        assert len(store.alerts(EARLY, LATE, run_id="static")) == 1
        assert len(store.alerts(EARLY, LATE, run_id="milp")) == 3
        assert store.alerts(EARLY, LATE) == []  # nothing in the default live run


def test_a_failed_batch_writes_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        with pytest.raises(TypeError):
            store.append([*r.alerts(), object()])  # type: ignore[list-item]
        assert store.alerts(EARLY, LATE) == []


def test_naive_datetimes_are_refused(store_url: str) -> None:
    with open_store(store_url) as store, pytest.raises(ValueError, match="timezone-aware"):
        store.alerts(datetime(2025, 1, 1), LATE)


def test_use_outside_with_block_is_an_error() -> None:
    store = open_store("sqlite://")
    with pytest.raises(StoreError, match="not open"):
        store.plans()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # a scheme we do not speak
        ("mysql://admin:s3cret@db/x", "mysql://admin:***@db/x"),
        # a directory that does not exist
        ("sqlite:///no/such/dir/events.db", "sqlite:///no/such/dir/events.db"),
        # nothing listens on port 1
        (
            "postgresql://postgres:s3cret@127.0.0.1:1/test",
            "postgresql://postgres:***@127.0.0.1:1/test",
        ),
        # a database that does not exist (the server answers; no password needed)
        ("postgresql://postgres@127.0.0.1:5432/no_such_db_x", "no_such_db_x"),
    ],
)
def test_bad_url_raises_store_error_without_password(url: str, shown: str) -> None:
    with pytest.raises(StoreError) as info, open_store(url, connect_timeout_s=2):
        pass
    assert shown in str(info.value)
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"busy_timeout_s": 0},  # would fail at once on a locked file
        {"connect_timeout_s": 0},  # libpq reads 0 as "wait forever"
    ],
)
def test_constructor_rejects_out_of_range_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Expected"):
        open_store("sqlite://", **kwargs)


def test_sqlite_durability_settings(tmp_path: Any) -> None:
    with open_store(f"sqlite://{tmp_path}/e.db") as store:
        assert isinstance(store, SqlEventStore)
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (5000,)


def test_acks_and_dead_letters_round_trip_and_are_idempotent(store_url: str) -> None:
    ack = CommandAck(command_id="C_1", asset_id="M1", ts=T0, status="received")
    done = ack.model_copy(update={"status": "done", "ts": T0 + timedelta(minutes=5)})
    lookalike = ack.model_copy(update={"command_id": "CX1"})  # `_` must not act as a wildcard
    raw = b"\xff{broken"
    letter = DeadLetter(
        letter_id=letter_id_of("mqtt", "supplysync/t", raw, T0),
        source="mqtt",
        topic="supplysync/t",
        raw=raw,
        reason="invalid JSON",
        at=T0,
    )
    with open_store(store_url) as store:
        store.append([ack, done, lookalike, letter])
        store.append([ack, letter])
        assert store.acks("C_1") == [ack, done]
        assert store.dead_letters(T0, T0 + timedelta(seconds=1)) == [letter]
        assert store.dead_letters(T0, T0 + timedelta(seconds=1))[0].raw == raw


def test_operator_requests_and_the_latest_network_snapshot(
    store_url: str, demo_scenario: Scenario
) -> None:
    from tests.optimizer.conftest import snapshot_of

    out = MachineOut(machine_id="M-DUI-1")
    asks = [
        OperatorRequest(request_id="r1", action="set", override=out, by="ops", at=T0),
        OperatorRequest(
            request_id="r2", action="replan", by="ops", at=T0 + timedelta(seconds=1), comment="go"
        ),
    ]
    first = snapshot_of(demo_scenario.network, 2)
    later = first.model_copy(update={"taken_at": first.taken_at + timedelta(hours=1)})
    with open_store(store_url) as store:
        assert store.latest_network() is None
        store.append([*asks, later, first, asks[0]])
        assert store.requests(T0, T0 + timedelta(hours=1)) == asks
        assert store.latest_network() == later


def test_overrides_in_force_follow_set_and_clear_in_order() -> None:
    def req(n: int, action: str, o: object) -> OperatorRequest:
        return OperatorRequest(
            request_id=f"r{n}", action=action, override=o, by="ops", at=T0 + timedelta(seconds=n)
        )

    pin_a = PinSupplier(product_id="P", supplier_id="S-A")
    pin_b = PinSupplier(product_id="P", supplier_id="S-B")
    out = MachineOut(machine_id="M1")
    requests = [
        req(0, "set", pin_a),
        req(1, "set", out),
        req(2, "set", pin_b),
        req(3, "clear", out),
    ]
    assert active_overrides(requests) == [pin_b]


def test_the_latest_loop_status_is_the_youngest_of_its_run(store_url: str) -> None:
    first = LoopStatus(
        taken_at=T0,
        readings_total=10,
        ingest_pending_messages=3,
        unacked_messages=2,
        commands_pending=4,
        alerts_queued=1,
        replan_running=True,
        host_failures=0,
    )
    later = first.model_copy(
        update={
            "taken_at": T0 + timedelta(seconds=5),
            "unacked_messages": None,
            "readings_total": 12,
        }
    )
    with open_store(store_url) as store:
        assert store.latest_status() is None
        store.append([later, first])  # written out of order: time decides, not arrival
        store.append([first.model_copy(update={"readings_total": 99})])  # same key: first wins
        store.append([first], run_id="other")
        assert store.latest_status() == later
        assert store.latest_status(run_id="other") == first
        assert store.latest_status(run_id="nobody") is None


def test_a_device_id_used_by_two_assets_is_stored_for_each(store_url: str) -> None:
    """One asset's device cannot suppress another's reading by taking its id."""
    shelf = r.readings()[3]
    forged = shelf.model_copy(update={"asset_id": "W2", "units": 1.0})
    with open_store(store_url) as store:
        store.append([forged])
        store.append([shelf])
        assert store.readings("W1", EARLY, LATE) == [shelf]
        assert store.readings("W2", EARLY, LATE) == [forged]
        assert store.readings_after("W1", None) == [shelf]


def test_orders_are_found_by_id_within_their_run(store_url: str) -> None:
    other = r.order().model_copy(update={"order_id": "O-9", "quantity": 3})
    with open_store(store_url) as store:
        store.append([r.order(), other], run_id="a")
        store.append([r.order()], run_id="b")
        assert store.orders_named(["O-1", "O-9", "O-1", "O-404"], run_id="a") == [r.order(), other]
        assert store.orders_named(["O-9"], run_id="b") == []
        assert store.orders_named([], run_id="a") == []


def test_recent_commands_are_the_newest_of_every_plan_or_of_one(store_url: str) -> None:
    first, second = r.command("milp-0001"), r.command("milp-0002")
    later = second.model_copy(update={"issued_at": second.issued_at + timedelta(hours=1)})
    with open_store(store_url) as store:
        store.append([first, later])
        store.append([r.command("milp-0003")], run_id="other")
        assert store.recent_commands(10) == [later, first]
        assert store.recent_commands(1) == [later]
        assert store.recent_commands(10, plan_id="milp-0001") == [first]
        assert store.recent_commands(10, run_id="other") == [r.command("milp-0003")]
