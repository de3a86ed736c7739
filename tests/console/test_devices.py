"""`supplysync broker-config` and `supplysync devices`: files written, bad input, shutdown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from console.main import main
from supplysync.scenario import Scenario
from tests.conftest import DEMO_SCENARIO, ROOT
from tests.deploy.acl_broker import acl_broker


def test_broker_config_writes_passwd_and_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "auth"
    assert main(["broker-config", "--scenario", str(DEMO_SCENARIO), "--out", str(out)]) == 0
    users = json.loads((out / "credentials.json").read_text())["users"]
    assert len(users) == 21  # 18 assets and the three system users
    assert len((out / "passwd").read_text().splitlines()) == 21
    assert "21 MQTT users" in capsys.readouterr().out


def _creds_without_w_cgn(tmp_path: Path) -> str:
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"v": 1, "users": {"W-DUI": "x" * 43}}))
    return str(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--broker", "http://h"], "expected mqtt://host[:port]"),  # wrong scheme
        (["--broker", "mqtt://h", "--speed", "0"], "--speed: Input should be greater than 0"),
        (["--broker", "mqtt://h", "--telemetry-qos", "2"], "--telemetry-qos: Input should be"),
        (["--broker", "mqtt://h", "--credentials", "/nonexistent.json"], "/nonexistent.json"),
        (["--broker", "mqtt://h", "--credentials", "PARTIAL"], "no credentials for MQTT user"),
    ],
)
def test_devices_bad_input_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    args = [_creds_without_w_cgn(tmp_path) if a == "PARTIAL" else a for a in args]
    assert main(["devices", "--scenario", str(DEMO_SCENARIO), *args]) == 2
    assert message in capsys.readouterr().err


def test_devices_stop_cleanly_on_sigterm(tmp_path: Path, demo_scenario: Scenario) -> None:
    broker, _ = acl_broker(tmp_path, demo_scenario.network)
    command = [
        sys.executable,
        "-m",
        "console",
        "devices",
        "--broker",
        broker.url,
        "--scenario",
        str(DEMO_SCENARIO),
        "--credentials",
        str(tmp_path / "auth" / "credentials.json"),
        "--speed",
        "3600",
    ]
    with broker, subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=10)
        rest = proc.stderr.read()
    assert "18 devices connected" in first
    assert (code, "stopped at" in rest) == (0, True)
