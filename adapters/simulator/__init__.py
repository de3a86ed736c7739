"""The device simulator: a scenario's supply network on a virtual clock.

Research mode and the demo run the real agents and optimizer against it.
It emits the readings of docs/sensors.md, customer orders and proofs of
delivery, carries out the commands the system dispatches, and measures the
ground-truth KPIs. Pure Python and numpy: no broker, no database, no Ray.
"""

from adapters.simulator.engine import SimFrame, Simulator

__all__ = ["SimFrame", "Simulator"]
