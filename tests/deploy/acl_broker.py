"""A private Mosquitto running the project's ACL with a scenario's generated passwords.

The ACL is `deploy/mosquitto/acl` itself and the password file is what
`supplysync broker-config` writes, so these tests exercise the shipped
configuration rather than a copy of it.
"""

from __future__ import annotations

from pathlib import Path

from adapters.devices.broker_config import write_broker_config
from adapters.devices.credentials import Credentials
from supplysync.network import Network
from tests.brokers import PrivateBroker
from tests.conftest import ROOT

ACL = ROOT / "deploy" / "mosquitto" / "acl"
PRODUCTION_CONF = ROOT / "deploy" / "mosquitto" / "mosquitto.conf"


def acl_broker(workdir: Path, network: Network) -> tuple[PrivateBroker, Credentials]:
    """An unstarted broker with the project's ACL and `network`'s credentials."""
    creds = write_broker_config(network, workdir / "auth")
    broker = PrivateBroker(
        workdir,
        extra_conf=f"password_file {workdir / 'auth' / 'passwd'}\nacl_file {ACL}",
        allow_anonymous=False,
    )
    return broker, creds
