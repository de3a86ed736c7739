"""Results on disk, one Parquet file per run, written as each run finishes.

Layout of a results directory:

    runs/<key>.parquet      one evaluation run each (a one-row table)
    tuning/<key>.parquet    one tuning run each
    summary.json, report.md, *.png

A file is written under a temporary name and renamed into place, so a
killed evaluation leaves whole runs or none; the next one skips every run
whose file exists (the key is policy, scenario hash, seed, days and the
tuned parameters: `RunKey.stem`), unless it lacks the evaluation's objective
KPI. One file per run keeps the schema free to
grow (a KPI added later is a new column in new files; reading fills the old
ones with nothing) and the directory readable with any Parquet tool, e.g.
`pyarrow.dataset.dataset("out/runs")`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from evaluation.runs import Kind, RunSpec

SUBDIRS: dict[str, str] = {"evaluation": "runs", "tuning": "tuning"}


class ResultStore:
    """A results directory (created on first write)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, spec: RunSpec) -> Path:
        return self.root / SUBDIRS[spec.kind] / f"{spec.key.stem}.parquet"

    def has(self, spec: RunSpec, *, measuring: str | None = None) -> bool:
        """Whether the run `spec` names is stored (and, if given, measured `measuring`).

        A run stored before a KPI existed lacks its column; asked for that
        KPI it counts as missing, so it is made again (and replaced).
        """
        path = self.path(spec)
        if not path.exists():
            return False
        return measuring is None or measuring in pq.read_schema(path).names

    def write(self, spec: RunSpec, record: dict[str, Any]) -> Path:
        """Store one run's record (atomically) and return its file."""
        path = self.path(spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(pa.Table.from_pylist([record]), tmp)
        os.replace(tmp, path)
        return path

    def records(self, kind: Kind) -> list[dict[str, Any]]:
        """Every stored record of `kind`, in file-name order."""
        folder = self.root / SUBDIRS[kind]
        if not folder.is_dir():
            return []
        out: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.parquet")):
            out.extend(pq.read_table(path).to_pylist())
        return out

    def write_json(self, name: str, data: object) -> Path:
        """Write `data` as indented JSON to `name` in the results directory."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path
