"""A generated scenario runs: the simulator and the reorder-point policy, inline, two days."""

from __future__ import annotations

from adapters.simulator.families import generate
from policies.plugins import load_policy
from runtime.directory import InlineDirectory
from runtime.research import run_policy


def test_a_small_generated_scenario_runs_under_the_reorder_rule() -> None:
    scenario = generate("metro", 1, {"days": "2"})
    directory = InlineDirectory.start(scenario.network)
    try:
        run = run_policy(scenario, load_policy("reorder_point"), directory)
    finally:
        directory.close()
    assert run.kpis.ordered_units > 0
    assert run.kpis.delivered_units > 0
    assert any(p.purchases or p.production or p.transfers for p in run.plans)
    assert any(p.deliveries for p in run.plans)
