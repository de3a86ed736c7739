"""supplysync: the shared vocabulary of the system.

Every other package speaks in these pydantic models: the network and scenario
spec, sensor readings, alerts, offers, plans and commands. This package
imports nothing else of ours, so every layer can depend on it.
"""

__version__ = "0.1.0"
