"""The MQTT adapter's exceptions, and how third-party errors map onto them.

    MqttAdapterError    anything this package refuses to carry on with
    ├── BrokerError     the broker could not be reached or dropped us
    │                   (raised `from` aiomqtt's `MqttError`)
    └── SinkError       the durable sink refused a batch: nothing of it
                        was acknowledged, the broker will redeliver it

Bad payloads are not exceptions: they are dead letters (`codec.py`).
Out-of-range settings raise `ValueError` when the settings are built.
"""

from __future__ import annotations


class MqttAdapterError(Exception):
    """Base of the errors below."""


class BrokerError(MqttAdapterError):
    """The broker refused or lost the connection."""


class SinkError(MqttAdapterError):
    """Recording a batch failed; its messages stay unacknowledged."""
