"""The demo's KPI table: one column per policy, the money figure under the service."""

from __future__ import annotations

from console.demo import format_table
from supplysync.costs import COMPONENTS
from supplysync.kpi import Kpis


def _kpis(**costs: float) -> dict[str, object]:
    return Kpis(
        fill_rate=0.5,
        on_time_rate=1,
        inventory_carrying_cost=costs.get("holding_cost", 0.0),
        unplanned_downtime_hours=0,
        cold_chain_breaches=0,
        spoiled_units=0,
        total_cost=sum(costs.values()),
        **costs,
    ).model_dump()


def test_the_table_shows_the_total_cost_and_each_component() -> None:
    table = format_table(
        {
            "policies": {
                "cheap": _kpis(shortage_cost=1200, holding_cost=34.4, inventory_change=-250),
                "dear": _kpis(purchase_cost=98_765.4),
            }
        }
    )
    lines = {line[:25].strip(): line[25:].split() for line in table.splitlines()[2:]}
    assert lines["total cost"] == ["984", "98,765"]
    assert lines["shortages"] == ["1,200", "0"]
    assert lines["stock start - end"] == ["-250", "0"]
    assert lines["fill rate"] == ["50.0%", "50.0%"]
    # every component has a row, indented under the total
    assert len([line for line in table.splitlines() if line.startswith("  ")]) == len(COMPONENTS)


def test_a_long_policy_name_keeps_its_column_apart() -> None:
    long = "weighted:Weighted[end_cover_weight=0.4]"
    table = format_table({"policies": {"milp": _kpis(), long: _kpis()}})
    header = table.splitlines()[0]
    assert header.split() == ["KPI", "milp", long]
