"""Which way each KPI is better, and which columns of a run record are KPIs.

KPIs are read by name from the run records, never from a fixed list, so a
field added to `supplysync.kpi.Kpis` flows through to the statistics and the
report without a change here. Only its direction may need a word: rates and
delivered units are better higher, a few figures are descriptive (no
better or worse: demand ordered, plans made, planning latency, planned
maintenance), and everything else (costs, spoilage, refusals, downtime,
breaches, distance) is better lower.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

HIGHER_IS_BETTER = frozenset({"delivered_units"})
DESCRIPTIVE = frozenset(
    {"ordered_units", "replans", "planned_maintenance_hours"},
)
DESCRIPTIVE_PREFIXES = ("replan_latency",)


class Direction(IntEnum):
    """+1 when more is better, -1 when less is, 0 when neither."""

    HIGHER = 1
    NONE = 0
    LOWER = -1


def direction(kpi: str) -> Direction:
    """Which way `kpi` is better (see the module docstring)."""
    if kpi.endswith("_rate") or kpi in HIGHER_IS_BETTER:
        return Direction.HIGHER
    if kpi in DESCRIPTIVE or kpi.startswith(DESCRIPTIVE_PREFIXES):
        return Direction.NONE
    return Direction.LOWER


class MissingKpiError(KeyError):
    """The objective KPI is not among those the runs measured."""

    def __init__(self, kpi: str, available: Iterable[str]) -> None:
        self.kpi = kpi
        self.available = sorted(available)
        super().__init__(kpi)

    def __str__(self) -> str:
        return (
            f"KPI {self.kpi!r} is not measured by this build "
            f"(available: {', '.join(self.available)})"
        )


def require_kpi(kpi: str, available: Iterable[str]) -> None:
    """Raise `MissingKpiError` naming `kpi` unless it is in `available`."""
    names = set(available)
    if kpi not in names:
        raise MissingKpiError(kpi, names)


def kpi_columns(records: Iterable[Mapping[str, Any]], meta: Iterable[str]) -> list[str]:
    """The numeric columns of `records` that are not in `meta`, in first-seen order."""
    skip = set(meta)
    seen: dict[str, None] = {}
    for record in records:
        for name, value in record.items():
            if name in skip or name in seen:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                seen[name] = None
    return list(seen)
