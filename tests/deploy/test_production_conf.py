"""`deploy/mosquitto/mosquitto.conf` as shipped is accepted by mosquitto and enforces logins.

Only the deployment paths, the listener and the user are rewritten to a
temporary directory and a free port; every other line is the production one.
"""

from __future__ import annotations

import getpass
import socket
import subprocess
import time
from pathlib import Path

from adapters.devices.broker_config import private_conf, write_broker_config
from supplysync.scenario import Scenario
from tests.brokers import free_port
from tests.deploy.acl_broker import ACL, PRODUCTION_CONF
from tests.deploy.probe import Probe
from tests.services import executable


def test_production_config_starts_and_refuses_anonymous(
    tmp_path: Path, demo_scenario: Scenario
) -> None:
    creds = write_broker_config(demo_scenario.network, tmp_path)
    port = free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        private_conf(
            PRODUCTION_CONF.read_text(),
            workdir=tmp_path,
            port=port,
            acl=ACL,
            user=getpass.getuser(),
        )
    )
    with subprocess.Popen([executable("mosquitto"), "-c", str(conf)]) as broker:
        try:
            deadline = time.monotonic() + 5
            while True:
                assert broker.poll() is None, (tmp_path / "mosquitto.log").read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "production config did not listen"
                    time.sleep(0.05)
            with Probe(port, "W-DUI", creds.secret("W-DUI")) as device:
                assert device.connack == 0
                assert device.publish("supplysync/W-DUI/warehouse/W-DUI/events", b"{}") < 0x80
            with Probe(port, "", None) as anonymous:
                assert anonymous.connack == 0x87
            log = (tmp_path / "mosquitto.log").read_text()
            assert "Error" not in log
        finally:
            broker.kill()
