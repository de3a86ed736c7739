"""`supplysync run` refuses bad inputs before anything starts: exit 2, naming the flag.

A good run (process, signals, summary) is tests/e2e/test_live.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from adapters.devices.broker_config import DISPATCH_USER, INGEST_USER
from adapters.devices.credentials import Credentials
from adapters.mqtt.broker import BrokerAddress
from agents.settings import AgentSettings
from cluster.live import Brokers
from cluster.live.command import main
from runtime.directory import InlineDirectory
from runtime.errors import DirectoryError
from tests.conftest import DEMO_SCENARIO


def args(tmp_path: Path, **changes: object) -> argparse.Namespace:
    good: dict[str, object] = {
        "broker": "mqtt://127.0.0.1:1883",
        "db": f"sqlite://{tmp_path}/events.db",
        "scenario": DEMO_SCENARIO,
        "placement": "inline",
        "tick_seconds": 60.0,
        "credentials": None,
        "ingest_workers": 1,
        "coordinator": "inline",
    }
    return argparse.Namespace(**{**good, **changes})


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"scenario": Path("nowhere.toml")}, "nowhere.toml"),  # no such scenario file
        ({"broker": "http://127.0.0.1:1883"}, "--broker"),  # not an MQTT URL
        ({"broker": "mqtt://127.0.0.1:99999"}, "--broker"),  # port out of range
        ({"db": "mysql://localhost/x"}, "--db"),  # no such backend
        ({"db": "sqlite:///nonexistent-dir/x/events.db"}, "--db"),  # cannot be opened
        ({"tick_seconds": 0.0}, "--tick-seconds"),  # agents would never tick
        ({"placement": "everywhere"}, "--placement"),
        ({"credentials": Path("missing.json")}, "--credentials"),  # no such file
        ({"ingest_workers": 0}, "--ingest-workers"),  # nobody would consume
        ({"ingest_workers": 2}, "--ingest-workers"),  # SQLite takes one writer
        ({"coordinator": "elsewhere"}, "--coordinator"),
        ({"coordinator": "actor"}, "--coordinator"),  # an actor cannot reach inline agents
    ],
)
def test_bad_inputs_exit_2_naming_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, object], named: str
) -> None:
    assert main(args(tmp_path, **changes)) == 2
    assert named in capsys.readouterr().err


def test_credentials_without_the_system_users_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "credentials.json"
    Credentials({"W-DUI": "s" * 32}).save(path)
    assert main(args(tmp_path, credentials=path)) == 2
    err = capsys.readouterr().err
    assert "--credentials" in err and INGEST_USER in err


def test_the_system_users_log_in_with_their_own_secrets() -> None:
    creds = Credentials({INGEST_USER: "i" * 32, DISPATCH_USER: "d" * 32})
    brokers = Brokers.logged_in("mqtt://broker.plant:1884", creds)
    ingest, dispatch = BrokerAddress.parse(brokers.ingest), BrokerAddress.parse(brokers.dispatch)
    assert (ingest.host, ingest.port, ingest.username, ingest.password) == (
        "broker.plant",
        1884,
        INGEST_USER,
        "i" * 32,
    )
    assert (dispatch.username, dispatch.password) == (DISPATCH_USER, "d" * 32)


def test_a_secret_a_url_cannot_carry_is_refused() -> None:
    creds = Credentials({INGEST_USER: "a/b@c" * 4, DISPATCH_USER: "d" * 32})
    with pytest.raises(ValueError, match=INGEST_USER):
        Brokers.logged_in("mqtt://127.0.0.1", creds)


def test_the_vehicle_agents_shift_is_the_scenarios_departure_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Session 21: the agents kept their own 07:00 whatever the scenario's departure hour.
    text = DEMO_SCENARIO.read_text(encoding="utf-8").replace(
        "departure_hour = 7", "departure_hour = 23", 1
    )
    scenario = tmp_path / "late.toml"
    scenario.write_text(text, encoding="utf-8")
    given: list[AgentSettings | None] = []

    def start(
        network: object, *_: object, agent_settings: AgentSettings | None = None, **__: object
    ) -> None:
        given.append(agent_settings)
        raise DirectoryError("stop here")

    monkeypatch.setattr(InlineDirectory, "start", start)
    assert main(args(tmp_path, scenario=scenario)) == 1
    [settings] = given
    assert settings is not None
    assert (settings.vehicle_shift_start_hour, settings.vehicle_last_departure_hour) == (23, 23)
