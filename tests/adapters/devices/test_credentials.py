from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from adapters.devices.broker_config import SYSTEM_USERS, users_of, write_broker_config
from adapters.devices.credentials import Credentials
from adapters.devices.errors import CredentialsError
from supplysync.scenario import Scenario


def test_for_users_keeps_known_secrets_adds_random_ones_and_drops_the_rest() -> None:
    old = Credentials({"A": "a" * 43, "GONE": "g" * 43})
    new = old.for_users(["A", "B", "C"])
    assert set(new.users) == {"A", "B", "C"}
    assert new.users["A"] == "a" * 43
    assert new.users["B"] != new.users["C"]
    assert min(len(new.users["B"]), len(new.users["C"])) >= 43  # 32 random bytes, base64


def test_saved_file_is_private_and_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "credentials.json"
    creds = Credentials({}).for_users(["A"])
    creds.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Credentials.load(path) == creds


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{", "Expecting"),  # not JSON
        ('{"v": 2, "users": {}}', "Input should be 1"),  # unknown version
        ('{"v": 1, "users": {"A": "short"}}', "at least 16"),  # a guessable secret
        ('{"v": 1, "users": {"a/b": "' + "x" * 20 + '"}}', "pattern"),  # not an asset id
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(text)
    with pytest.raises(CredentialsError, match=why) as err:
        Credentials.load(path)
    assert str(path) in str(err.value)


def test_missing_file_and_missing_user_are_credentials_errors(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match=r"absent\.json"):
        Credentials.load(tmp_path / "absent.json")
    with pytest.raises(CredentialsError, match="'B'"):
        Credentials({"A": "a" * 20}).secret("B")


def test_broker_config_covers_every_asset_and_system_user(
    tmp_path: Path, demo_scenario: Scenario
) -> None:
    network = demo_scenario.network
    creds = write_broker_config(network, tmp_path)
    expected = {*network.asset_kinds(), *SYSTEM_USERS}
    assert set(creds.users) == expected == set(users_of(network))
    lines = (tmp_path / "passwd").read_text().splitlines()
    assert {line.split(":")[0] for line in lines} == expected
    assert all(line.split(":", 1)[1].startswith("$7$101$") for line in lines)
    assert stat.S_IMODE((tmp_path / "passwd").stat().st_mode) == 0o600
    stored = json.loads((tmp_path / "credentials.json").read_text())["users"]
    assert not any(secret in "".join(lines) for secret in stored.values())


def test_rerunning_broker_config_keeps_secrets(tmp_path: Path, demo_scenario: Scenario) -> None:
    first = write_broker_config(demo_scenario.network, tmp_path)
    second = write_broker_config(demo_scenario.network, tmp_path)
    assert first == second


def test_an_asset_named_like_a_system_user_is_refused(demo_scenario: Scenario) -> None:
    machine = demo_scenario.network.machines[0].model_copy(update={"id": "supplysync-ingest"})
    network = demo_scenario.network.model_copy(update={"machines": [machine]})
    with pytest.raises(CredentialsError, match="reserved"):
        users_of(network)
