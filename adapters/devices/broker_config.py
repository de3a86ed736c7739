"""The broker's view of a scenario: who may log in, written for `deploy/mosquitto/`.

The ACL (`deploy/mosquitto/acl`) is static: `pattern` lines give each device
its own topics by user name, and names the system users below. What varies
with the scenario is who exists, so this writes the password file (hashes
only, for the broker) and the credentials file (secrets, for the fleet and
the system's clients).
"""

from __future__ import annotations

import os
from pathlib import Path

from adapters.devices.credentials import Credentials
from adapters.devices.errors import CredentialsError
from adapters.devices.passwd import password_file
from supplysync.network import Network

INGEST_USER = "supplysync-ingest"
DISPATCH_USER = "supplysync-dispatch"
ORDERS_USER = "supplysync-orders"
"""The ERP's order gateway: the one user the ACL lets publish customer orders."""
SYSTEM_USERS = (INGEST_USER, DISPATCH_USER, ORDERS_USER)
PASSWORD_FILE = "passwd"
CREDENTIALS_FILE = "credentials.json"


def users_of(network: Network) -> list[str]:
    """Every MQTT user the network needs: one per asset, then the system's own.

    Raises:
        CredentialsError: an asset is named like a system user, which would
            hand that device the system's rights.
    """
    assets = sorted(network.asset_kinds())
    clash = sorted(set(assets) & set(SYSTEM_USERS))
    if clash:
        raise CredentialsError(f"asset id {clash[0]!r} is reserved for a system MQTT user")
    return [*assets, *SYSTEM_USERS]


def write_broker_config(network: Network, out: Path) -> Credentials:
    """Write `passwd` and `credentials.json` for `network` into `out`.

    Secrets already in `out/credentials.json` are kept for users the network
    still has and made for new ones; users it no longer has are dropped.
    The password file is regenerated (new salts) from the merged secrets.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / CREDENTIALS_FILE
    existing = Credentials.load(path) if path.exists() else Credentials({})
    creds = existing.for_users(users_of(network))
    creds.save(path)
    tmp = out / (PASSWORD_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password_file(creds.users))
    tmp.replace(out / PASSWORD_FILE)
    return creds


def private_conf(production: str, *, workdir: Path, port: int, acl: Path, user: str) -> str:
    """`production` (the text of `deploy/mosquitto/mosquitto.conf`) for a private broker.

    Tests and benchmarks run the shipped configuration rather than a copy of
    it: only what names the deployment is rewritten (the listener, to
    127.0.0.1:`port`; the password file, persistence and log, into
    `workdir`; the ACL, to `acl`), and `user` is added, since mosquitto
    started as root would otherwise drop to a user that cannot write in
    `workdir`. Every limit and the rest stay the production ones.

    Raises:
        ValueError: a line this rewrites is not in `production` (the
            production config changed, and this must follow it).
    """
    passwd = workdir / PASSWORD_FILE
    replaced = {
        "password_file /etc/mosquitto/supplysync/passwd": f"password_file {passwd}",
        "acl_file /etc/mosquitto/supplysync/acl": f"acl_file {acl}",
        "persistence_location /var/lib/mosquitto/": f"persistence_location {workdir}/",
        "listener 1883 0.0.0.0": f"listener {port} 127.0.0.1",
        "log_dest stderr": f"log_dest file {workdir / 'mosquitto.log'}",
    }
    lines = production.splitlines()
    missing = [old for old in replaced if old not in lines]
    if missing:
        raise ValueError(f"the production broker config no longer has {missing}")
    return "\n".join([*(replaced.get(line, line) for line in lines), f"user {user}"]) + "\n"
