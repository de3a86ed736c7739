"""Asset agents: pure behaviour of suppliers, machines, warehouses and vehicles.

Readings in, state and alerts out; each agent also offers its part of the
planning problem and reviews its part of a plan. No Ray, no I/O: `cluster/`
wraps these classes as actors.
"""
