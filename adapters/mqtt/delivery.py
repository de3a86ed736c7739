"""A received message's acknowledgement, deferred until it is recorded.

A packet id (`mid`) means something only on the connection it came on: after
a reconnect the broker reuses ids, so acknowledging an old id on the new
connection could acknowledge a different, unrecorded message. Each
connection is therefore a `Link` that dies with it, and a `Delivery` acks
through its own link or not at all; the persistent session makes the broker
redeliver what a dead link left unacknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Link:
    """One connection's paho client, usable for acks while `alive`."""

    __slots__ = ("alive", "paho")

    def __init__(self, paho: Any) -> None:
        self.paho = paho
        self.alive = True


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where and how to acknowledge one message."""

    link: Link
    mid: int
    qos: int

    def ack(self) -> bool:
        """PUBACK it if it needs one and its connection still stands; whether it was sent."""
        if self.qos == 0 or not self.link.alive:
            return False
        self.link.paho.ack(self.mid, self.qos)
        return True
