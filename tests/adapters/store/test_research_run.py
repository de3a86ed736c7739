"""A one-day research run records exactly what it reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.store import open_store
from policies.plugins import load_policy
from runtime.directory import InlineDirectory
from runtime.research import run_policy


def test_research_run_stores_its_readings_alerts_and_plans(
    store_url: str,
    demo_scenario: Any,
) -> None:
    simulation = demo_scenario.simulation.model_copy(update={"days": 1})
    scenario = demo_scenario.model_copy(update={"simulation": simulation})
    since = simulation.start
    until = since + timedelta(days=2)
    directory = InlineDirectory.start(scenario.network)
    try:
        with open_store(store_url) as store:
            run = run_policy(scenario, load_policy("milp"), directory, store=store)
            readings = [
                reading
                for asset_id in scenario.network.asset_kinds()
                for reading in store.readings(asset_id, since, until, run_id="milp")
            ]
            alerts = store.alerts(since, until, run_id="milp")
            plans = store.plans(run_id="milp")
            commands = [c for p in plans for c in store.commands(p.plan_id, run_id="milp")]
            causes = {p.plan_id: store.causes_of(p.plan_id, run_id="milp") for p in plans}
            assert store.runs() == ["milp"]
    finally:
        directory.close()

    assert len(readings) == run.readings
    assert len({(x.device_id, x.seq) for x in readings}) == run.readings
    assert {a.alert_id: a for a in alerts} == {a.alert_id: a for a in run.alerts}
    assert plans == run.plans
    assert len(plans) >= 1
    assert commands, "the first plan dispatches commands"
    reported = {a.alert_id for a in run.alerts}
    for plan in plans:
        assert [a.alert_id for a in causes[plan.plan_id]] == [
            c for c in plan.causes if c in reported
        ]
