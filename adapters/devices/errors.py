"""The device fleet's exceptions.

    DeviceError                 the fleet cannot run
    ├── DeviceAuthError         the broker refused a device's credentials
    └── CredentialsError        a credentials file that is missing, unreadable
                                or lacks a user the fleet needs

aiomqtt's `MqttError` is retried (reconnect with backoff) inside a device and
never leaves the package; only a refusal that retrying cannot cure becomes
`DeviceAuthError`, raised `from` the MQTT error.
"""

from __future__ import annotations


class DeviceError(Exception):
    """The device fleet cannot run."""


class DeviceAuthError(DeviceError):
    """The broker refused a device's user name or password."""


class CredentialsError(DeviceError):
    """A credentials file that cannot be used; the message names the file and why."""
