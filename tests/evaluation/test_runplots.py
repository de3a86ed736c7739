"""Figures of research runs from their event logs: which figures, and what each one holds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from matplotlib.patches import Rectangle

from console.main import main
from evaluation import lab
from evaluation.runplots import figures, plot_runs
from supplysync.scenario import Scenario, load_scenario
from tests.conftest import DEMO_SCENARIO


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two days of the demo under two policies, each in its folder, as `demo --events` writes."""
    root = tmp_path_factory.mktemp("events")
    for policy in ("reorder_point", "milp"):
        lab.run(DEMO_SCENARIO, policy, seed=5, days=2, events=root / policy)
    return root


def test_every_figure_shows_what_it_says(logs: Path) -> None:
    scenario: Scenario = load_scenario(DEMO_SCENARIO)
    drawn = dict(figures(logs, scenario))
    warehouses = [w.id for w in scenario.network.warehouses]
    expected = {f"stock_{w}.png" for w in warehouses} | {"kpis.png"}
    for policy in ("reorder_point", "milp"):
        expected |= {f"production_{policy}.png", f"routes_{policy}_day0.png"}
        expected |= {f"routes_{policy}_day1.png"}
    assert set(drawn) == expected
    for w in scenario.network.warehouses:
        axes = drawn[f"stock_{w.id}.png"].axes
        products = {p for p in w.reorder_point}
        assert len(axes) == len(products) + 1  # one per product, then all of them
        for ax in axes:
            assert len(ax.get_lines()) >= 2  # one step line per policy, then the guide
    kpis = drawn["kpis.png"].axes[0]
    assert sorted(str(line.get_label()) for line in kpis.get_lines()) == ["milp", "reorder_point"]
    for line in kpis.get_lines():
        assert all(0 <= float(y) <= 100 for y in np.asarray(line.get_ydata()))
    plans = pq.read_table(logs / "milp" / "plans.parquet").to_pylist()
    leave = scenario.simulation.start + timedelta(hours=scenario.planning.departure_hour)
    first = [p for p in sorted(plans, key=lambda p: p["created_at"]) if p["created_at"] <= leave][
        -1
    ]
    routes = [r for r in json.loads(first["routes"]) if r["period"] == 0]
    assert len(drawn["routes_milp_day0.png"].axes[0].get_lines()) == len(routes) > 0
    gantt = drawn["production_milp.png"].axes[0]
    made = [r for r in json.loads(first["production"]) if r["period"] == 0]
    hours = sum(r["hours"] for r in made)
    bars = [bar for bar in gantt.patches if isinstance(bar, Rectangle)]
    drawn_hours = sum(bar.get_width() for bar in bars if bar.get_x() < 24)
    assert drawn_hours == pytest.approx(hours)


def test_the_pngs_are_written_and_a_folder_without_logs_is_refused(
    logs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = plot_runs(logs / "milp", load_scenario(DEMO_SCENARIO), tmp_path / "one")
    assert {p.name for p in written} >= {"kpis.png", "production_milp.png"}
    assert all(p.stat().st_size > 5_000 for p in written)
    assert main(["plot", str(tmp_path / "one")]) == 2
    assert "no event log (plans.parquet)" in capsys.readouterr().err
