"""Machine snapshots of format 3 restore the agent they were taken of, and it goes on the same.

`data/machine_format_3.json` holds format-3 snapshots (the memory with its
stop and restart flags) written at 881014a during the replays of
`test_machine_replay`: the first snapshot of every combination of those
flags the replays met, and the first after a repair, with the state the
agent showed then. Each is restored into a fresh agent midway through its
replay, which must show the same state, hold the memory the live agent
holds, and go on to the recorded alerts and health, floats to their last
bits (`tests.floats`: the fixture was written on another CPU).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.factory import build_agent
from agents.machine import MachineAgent
from agents.states import state_json
from supplysync.scenario import Scenario
from tests.agents.test_machine_replay import RECORDED, jumble, simulated_week
from tests.agents.test_steps import LOOSE
from tests.floats import assert_matches_recording

FORMAT_3 = Path(__file__).parent / "data" / "machine_format_3.json"
CASES: list[dict[str, Any]] = json.loads(FORMAT_3.read_text())


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _case_id(case: dict[str, Any]) -> str:
    on = [name for name, flag in case["flags"].items() if flag]
    return f"{case['part']}-{case['index']}-" + "+".join(map(str, on or ["none"]))


def test_the_fixture_is_format_3_and_covers_the_flags() -> None:
    assert {case["snapshot"]["format"] for case in CASES} == {3}
    flags = [case["flags"] for case in CASES]
    assert any(f["down"] for f in flags) and any(f["back_from_down"] for f in flags)
    assert any(f["running"] is None for f in flags)
    assert any(f["restarted"] and f["service_pending"] for f in flags)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_a_format_3_snapshot_goes_on_where_it_was_taken(
    demo_scenario: Scenario, case: dict[str, Any]
) -> None:
    restored: list[MachineAgent] = []

    def visit(part: str, machine_id: str, index: int, agent: MachineAgent) -> MachineAgent:
        if (part, machine_id, index) != (case["part"], case["machine_id"], case["index"]):
            return agent
        settings = LOOSE if part == "jumble" else None
        fresh = build_agent(machine_id, demo_scenario.network, settings)
        assert isinstance(fresh, MachineAgent)
        fresh.restore(case["snapshot"])
        assert_matches_recording(state_json(fresh.state()), case["state"])
        assert_matches_recording(state_json(fresh.state()), state_json(agent.state()))
        assert_matches_recording(_json(fresh.snapshot()), _json(agent.snapshot()))  # the memory too
        restored.append(fresh)
        return fresh

    part = case["part"]
    if part == "week":
        now = simulated_week(demo_scenario, visit)
    else:
        now = jumble(demo_scenario.network, visit)
    assert len(restored) == 1
    assert_matches_recording(_json(now), json.loads(RECORDED.read_text())[part])


def test_a_format_3_snapshot_is_written_back_in_the_current_format(
    demo_scenario: Scenario,
) -> None:
    case = CASES[0]
    agent = build_agent(case["machine_id"], demo_scenario.network)
    agent.restore(case["snapshot"])
    assert agent.snapshot()["format"] == MachineAgent.snapshot_format == 4
