"""Snapshots and states written before the agents' memories were typed read the same now.

`data/before_typed_memory.json` was written at be57823, the last commit whose
agents kept their state in attributes, by running each script of
`test_snapshots` and recording the snapshot halfway through, the state then
and the state at the end. The machine's snapshot there is format 2, which
`agents.machine_memory.upgrade_format_2` and then `upgrade_format_3` read;
the other kinds' are format 1, which their memories' JSON still is. The
states are what the API and the live loop served, key for key and number
for number, under the settings of then (`RECORDED`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.factory import build_agent
from agents.settings import AgentSettings
from agents.states import state_json
from supplysync.network import Network
from tests.agents.test_snapshots import ASSETS, SCRIPTS, log_order, started, view

BEFORE = Path(__file__).parent / "data" / "before_typed_memory.json"
RECORDED = AgentSettings(late_hold_quantile=0.9)
"""The settings the recording was made with: a held shipment's estimate then
planned on the late end of its hold."""


@pytest.fixture(scope="module")
def before() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BEFORE.read_text())
    return data


def test_the_recorded_snapshots_are_of_the_formats_in_stores(before: dict[str, Any]) -> None:
    formats = {kind: before[kind]["snapshot"]["format"] for kind in SCRIPTS}
    assert formats == {"machine": 2, "supplier": 1, "warehouse": 1, "vehicle": 1}


@pytest.mark.parametrize("kind", SCRIPTS)
def test_an_old_snapshot_restores_the_agent_it_was_taken_of(
    network: Network, before: dict[str, Any], kind: str
) -> None:
    old = before[kind]
    commands, scripted = SCRIPTS[kind](network)
    live = started(network, kind, commands, RECORDED)
    for batch in [log_order(b) for b in scripted][: old["cut"]]:
        live.ingest(batch, batch[-1].ts)
    restored = build_agent(ASSETS[kind], network, RECORDED)
    restored.restore(old["snapshot"])
    assert view(restored) == view(live)
    assert state_json(restored.state()) == old["state"]


@pytest.mark.parametrize("kind", SCRIPTS)
def test_the_state_is_the_json_it_was(network: Network, before: dict[str, Any], kind: str) -> None:
    commands, scripted = SCRIPTS[kind](network)
    agent = started(network, kind, commands, RECORDED)
    for batch in [log_order(b) for b in scripted]:
        agent.ingest(batch, batch[-1].ts)
    now, then = state_json(agent.state()), before[kind]["final_state"]
    assert json.dumps(now, sort_keys=True) == json.dumps(then, sort_keys=True)
    assert list(now) == list(then), "the fields keep their order"
