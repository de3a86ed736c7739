"""A research run's event log as Parquet files, one per record kind, for pandas or polars.

`ParquetLog` takes what a run records (`runtime.research.run_policy`'s
``store``: readings, alerts, customer orders, proofs of delivery, plans and
commands) and writes, on `close`, ``readings.parquet``, ``alerts.parquet``,
``orders.parquet``, ``deliveries.parquet``, ``plans.parquet`` and
``commands.parquet`` in its directory (a kind with no record gets no file).

One row per record; the columns are the record's fields (`model_dump`),
times as UTC timestamps and enums by value. A field that holds a list or
a record (a plan's purchases, routes and shortages; a command's body; an
alert's data) is one JSON text column, to be expanded where needed
(``json.loads``). Readings of all kinds share one table: each kind's own
fields are null on the other kinds' rows, and ``kind`` says which is which.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, get_args

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from supplysync.commands import Command
from supplysync.events import Alert
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.plan import Plan
from supplysync.readings import Reading

FILES: dict[type[BaseModel], str] = {
    Alert: "alerts",
    CustomerOrder: "orders",
    ProofOfDelivery: "deliveries",
    Plan: "plans",
    Command: "commands",
}
READINGS = "readings"
_READING_TYPES = get_args(get_args(Reading)[0])  # Reading is Annotated[A | B | ..., ...]


def safe_name(text: str) -> str:
    """`text` as a file or folder name: anything but letters, digits and ``._=-`` as ``_``.

    Policy specs (``module:Class[k=v]``) name run files and log folders.
    """
    return re.sub(r"[^A-Za-z0-9_.=-]", "_", text)


class ParquetLog:
    """Collects one run's records in memory and writes them as Parquet on `close`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def append(self, records: Iterable[Any], *, run_id: str = "") -> None:
        """Keep `records` (kinds other than those in the module doc are left out)."""
        for record in records:
            name = READINGS if isinstance(record, _READING_TYPES) else FILES.get(type(record))
            if name is not None:
                self._rows[name].append(_row(record, run_id))

    def close(self) -> list[Path]:
        """Write every kind kept and return the files."""
        self.directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, rows in sorted(self._rows.items()):
            columns = list(dict.fromkeys(k for row in rows for k in row))
            path = self.directory / f"{name}.parquet"
            pq.write_table(
                pa.Table.from_pydict({c: [r.get(c) for r in rows] for c in columns}), path
            )
            written.append(path)
        return written

    def __enter__(self) -> ParquetLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _row(record: BaseModel, run_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {"run_id": run_id}
    for name, value in record.model_dump(mode="python").items():
        row[name] = _cell(value)
    return row


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=_json_default, sort_keys=True)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
