"""`event_rows`: the keys an existing store already holds, and bodies equal to `model_dump_json`."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest

from adapters.store.schema import EVENT_COLUMNS, event_rows, micros
from supplysync.commands import CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.readings import READING_ADAPTER, TemperatureReading
from tests.adapters.store import records as r

T0 = r.T0
ACK = CommandAck(command_id="c-1", asset_id="M1", ts=T0, status="done")
LETTER = DeadLetter(letter_id="L-1", source="mqtt", topic="t", raw=b"x", reason="bad", at=T0)
REQUEST = OperatorRequest(request_id="r-1", action="replan", by="ops", at=T0)


def _all() -> list[Any]:
    return [
        *r.readings(),
        *r.alerts(),
        r.plan("milp-0001", causes=["a-1"]),
        r.command("milp-0001"),
        r.order(),
        r.delivery(),
        ACK,
        LETTER,
        REQUEST,
    ]


@pytest.mark.parametrize(
    ("record", "kind", "key", "asset_id", "plan_id"),
    [
        # keys must not change: stored rows are matched by them on every redelivery
        # (a reading's key took its asset in front; a reading stored before
        # under the old key and redelivered is stored twice and read once)
        (r.readings()[2], "reading", "V1\x1fV1-reefer\x1f7", "V1", None),
        (r.alerts()[0], "alert", "a-1", "M1", None),
        (r.plan("p-1", causes=[]), "plan", "p-1", None, "p-1"),
        (r.command("p-1"), "command", "p-1/M1", "M1", "p-1"),
        (ACK, "ack", "c-1\x1fdone", "M1", None),
        (LETTER, "dead_letter", "L-1", None, None),
        (REQUEST, "request", "r-1", None, None),
        (r.order(), "order", "O-1", "C1", None),
        (r.delivery(), "delivery", f"O-1\x1fV1\x1f{r.delivery().ts.isoformat()}", "V1", None),
    ],
)
def test_each_kind_is_keyed_and_filed_as_before(
    record: Any, kind: str, key: str, asset_id: str | None, plan_id: str | None
) -> None:
    (row,) = event_rows([record], "run-1")
    assert len(row) == len(EVENT_COLUMNS)
    assert row[:3] == ("run-1", kind, key)
    assert row[4:6] == (asset_id, plan_id)


def test_bodies_are_model_dump_json_and_read_back_equal() -> None:
    records = _all()
    rows = event_rows(records, "live")
    assert [row[6] for row in rows] == [x.model_dump_json() for x in records]
    assert [type(x).model_validate_json(row[6]) for x, row in zip(records, rows, strict=True)] == (
        records
    )


def test_timestamps_are_exact_microseconds_whatever_the_offset() -> None:
    reading = r.readings()[1].model_copy(update={"ts": T0 + timedelta(microseconds=7)})
    shifted = reading.model_copy(update={"ts": reading.ts.astimezone(timezone(timedelta(hours=2)))})
    (a,), (b,) = event_rows([reading], "live"), event_rows([shifted], "live")
    assert a[3] == b[3] == micros(T0) + 7


def test_a_subclass_of_a_record_is_stored_as_its_base() -> None:
    class Probe(TemperatureReading):
        pass

    base = r.readings()[2]
    probe = Probe(**base.model_dump())
    (row,) = event_rows([probe], "live")
    (expected,) = event_rows([base], "live")
    assert row == expected
    assert READING_ADAPTER.validate_json(row[6]) == base


def test_anything_else_is_refused() -> None:
    with pytest.raises(TypeError, match="not a storable record: object"):
        event_rows([r.alerts()[0], object()], "live")  # type: ignore[list-item]
