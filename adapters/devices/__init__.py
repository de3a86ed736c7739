"""The simulator as a fleet of MQTT devices, and the broker credentials they use.

Each asset of a scenario is one device with its own MQTT connection and
credentials (user name = asset id): it publishes its readings on its own
topics, carries out the commands it receives on its `cmd` topic and answers
on its `ack` topic. `broker_config` writes the Mosquitto password file and
the credentials file that `deploy/mosquitto/acl` is written against.
"""

from adapters.devices.broker import BrokerAddress
from adapters.devices.credentials import Credentials
from adapters.devices.errors import CredentialsError, DeviceAuthError, DeviceError
from adapters.devices.fleet import Fleet
from adapters.devices.settings import FleetSettings

__all__ = [
    "BrokerAddress",
    "Credentials",
    "CredentialsError",
    "DeviceAuthError",
    "DeviceError",
    "Fleet",
    "FleetSettings",
]
