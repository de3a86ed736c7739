"""Live mode: the system on the wall clock against a real broker and store.

- `loop.LiveLoop`: MQTT ingest → durable store → agents → coordinator →
  recorded plan → commands out, acks tracked, operator requests obeyed.
- `command.main`: `supplysync run`, argument checks, start-up and shutdown.
- `inbox`, `reader`, `serial`, `settings`: its small parts.
"""

from cluster.live.loop import LiveLoop, LiveStats
from cluster.live.settings import Brokers, LiveSettings

__all__ = ["Brokers", "LiveLoop", "LiveSettings", "LiveStats"]
