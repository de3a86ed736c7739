"""The main job end to end: simulator, agents, coordinator, optimizer, commands.

The full seven-day demo runs in-process (inline agents, same code as on Ray)
so the claim the README makes can be checked on every run: the replanning
loop serves more demand than both baselines because of what it decides.
A shortened run goes through Ray with the coordinator as an actor.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from cluster.demo import run_demo
from console.main import main
from supplysync.costs import COMPONENTS
from supplysync.scenario import ReeferFailure, load_scenario
from tests.conftest import DEMO_SCENARIO, ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-events")


@pytest.fixture(scope="module")
def full_demo(demo_scenario: Any, demo_events: Path) -> dict[str, Any]:
    return run_demo(
        demo_scenario,
        ["static", "reorder_point", "milp"],
        placement="inline",
        progress=lambda _line: None,
        events=demo_events,
    )


def _cold_legs_on(
    events: Path, policy: str, vehicle: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, dict[str, float]]]:
    """(plan made, first stop, cold load) of `policy`'s routes loading cold goods on
    `vehicle` that reach their first stop within [start, end).

    Trips already under way when a plan was made (frozen routes) are left
    out: what a vehicle carries when it fails was loaded before anyone knew.
    """
    cold = {p.id for p in load_scenario(DEMO_SCENARIO).network.products if p.temp_max_c is not None}
    out = []
    for plan in pq.read_table(events / policy / "plans.parquet").to_pylist():
        window = json.loads(plan["window"])
        first = datetime.fromisoformat(window["start"])
        for route in json.loads(plan["routes"]):
            day = first + timedelta(hours=window["period_hours"] * route["period"])
            load = {p: q for p, q in route["load"].items() if p in cold and q > 0}
            first_stop = day + timedelta(hours=min(st["arrive_h"] for st in route["stops"]))
            mine = route["vehicle_id"] == vehicle and not route["frozen"]
            if mine and load and start <= first_stop < end:
                out.append((plan["created_at"], first_stop, load))
    return out


def test_replanning_beats_both_baselines_on_fill_rate(full_demo: dict[str, Any]) -> None:
    kpis = full_demo["policies"]
    milp = kpis["milp"]["fill_rate"]
    assert milp > kpis["static"]["fill_rate"]
    assert milp > kpis["reorder_point"]["fill_rate"]
    # Every policy faced the same demand: one seed, one world.
    assert len({k["ordered_units"] for k in kpis.values()}) == 1


def test_replanning_costs_less_than_both_baselines(full_demo: dict[str, Any]) -> None:
    kpis = full_demo["policies"]
    milp = kpis["milp"]
    for baseline in ("static", "reorder_point"):
        assert milp["total_cost"] < kpis[baseline]["total_cost"]
        # Serving more demand is where the money is.
        assert milp["shortage_cost"] < kpis[baseline]["shortage_cost"]
    for k in kpis.values():
        assert k["total_cost"] == pytest.approx(sum(k[name] for name in COMPONENTS))


def test_replanning_reacts_to_the_scripted_disruptions(
    full_demo: dict[str, Any], demo_events: Path
) -> None:
    static, milp = full_demo["policies"]["static"], full_demo["policies"]["milp"]
    # The static plan never learns that M-DUI-1 wears out; the loop maintains it.
    assert static["unplanned_downtime_hours"] > 0
    assert milp["unplanned_downtime_hours"] < static["unplanned_downtime_hours"]
    assert milp["planned_maintenance_hours"] > 0
    # The failed reefer keeps carrying reagent under the static plan; the
    # loop's plans made after the failure load none on it while it is down.
    # (What spoils on board at the failure itself was loaded before anyone
    # knew: it depends on the day's routes, not on the reaction.)
    failure = next(
        d for d in load_scenario(DEMO_SCENARIO).disruptions if isinstance(d, ReeferFailure)
    )
    start = load_scenario(DEMO_SCENARIO).simulation.start
    down = start + timedelta(days=failure.start_day, hours=failure.start_hour)
    back = down + timedelta(hours=failure.duration_hours)
    alerts = pq.read_table(demo_events / "milp" / "alerts.parquet").to_pylist()
    warm = [a for a in alerts if a["asset_id"] == failure.vehicle_id and a["kind"] == "threshold"]
    known = min(a["ts"] for a in warm if a["ts"] >= down)
    assert _cold_legs_on(demo_events, "static", failure.vehicle_id, down, back)
    legs = _cold_legs_on(demo_events, "milp", failure.vehicle_id, known, back)
    assert [leg for leg in legs if leg[0] > known] == []
    assert static["replans"] == 1 and milp["replans"] > 7


@pytest.mark.ray
def test_shortened_demo_on_ray_traces_plans_to_alerts(
    demo_scenario: Any, ray_session: None
) -> None:
    from cluster.coordinator_actor import RemoteCoordinator
    from cluster.hosts import RayDirectory
    from policies.plugins import load_policy
    from runtime.research import run_policy
    from supplysync.settings import RuntimeSettings

    scenario = demo_scenario.model_copy(
        update={"simulation": demo_scenario.simulation.model_copy(update={"days": 3})}
    )
    directory = RayDirectory.start(scenario.network, RuntimeSettings(placement="sharded"))
    try:
        run = run_policy(scenario, load_policy("milp"), directory, coordinator=RemoteCoordinator)
    finally:
        directory.close()
    alert_ids = {a.alert_id for a in run.alerts}
    caused = [p for p in run.plans if p.causes]
    assert caused, "no plan was triggered by an alert"
    for plan in caused:
        assert set(plan.causes) <= alert_ids
        assert plan.diff is not None and plan.diff.previous_plan_id is not None
    assert run.kpis.replans == len(run.plans) >= 3
    assert 0 < run.kpis.fill_rate <= 1


def test_cli_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["demo", "--scenario", str(DEMO_SCENARIO), "--json", "--placement", "inline", "--days", "1"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["policies"]) == {"static", "reorder_point", "milp"}
    for kpis in data["policies"].values():
        assert 0 <= kpis["fill_rate"] <= 1
        assert kpis["ordered_units"] > 0
        assert kpis["total_cost"] == pytest.approx(sum(kpis[name] for name in COMPONENTS))
        assert kpis["holding_cost"] == kpis["inventory_carrying_cost"] > 0


def test_cli_store_error_exits_2_without_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://nobody:hunter2@127.0.0.1:1/x"  # port 1: nothing listens there
    args = ["demo", "--scenario", str(DEMO_SCENARIO), "--placement", "inline", "--days", "1"]
    assert main([*args, "--db", url]) == 2
    err = capsys.readouterr().err
    assert "postgresql://nobody:***@127.0.0.1:1/x" in err and "hunter2" not in err


def test_cli_runs_a_policy_written_outside_the_project(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """One day of the demo, the built-in loop beside the myopic example; event logs written."""
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    args = ["demo", "--scenario", str(DEMO_SCENARIO), "--json", "--placement", "inline"]
    policies = ["--policies", "milp,myopic:Myopic", "--param", "horizon_periods=1"]
    assert main([*args, "--days", "1", *policies, "--events", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["policies"]) == ["milp", "myopic:Myopic[horizon_periods=1]"]
    mine = data["policies"]["myopic:Myopic[horizon_periods=1]"]
    assert 0 < mine["fill_rate"] <= 1 and mine["replans"] >= 1
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert folders == ["milp", "myopic_Myopic_horizon_periods=1_"]
    plans = pq.read_table(tmp_path / folders[1] / "plans.parquet")
    assert plans.num_rows == mine["replans"]


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        (["--policies", "milp,nope"], "unknown policy 'nope'"),
        (["--policies", "milp,static", "--param", "k=1"], "none of the policies named takes"),
        (["--policies", "myopic:Myopic[horizon_periods=0]"], "'horizon_periods': Input should"),
        (["--policies", "myopic:Myopic", "--param", "horizon=2"], "unknown parameter 'horizon'"),
        (["--policies", "myopic:Myopic", "--params", "/nonexistent.toml"], "No such file"),
    ],
)
def test_cli_bad_policy_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    policies: list[str],
    message: str,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    assert main(["demo", "--scenario", str(DEMO_SCENARIO), "--placement", "inline", *policies]) == 2
    assert message in capsys.readouterr().err
