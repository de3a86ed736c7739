"""Vehicle routing: the PyVRP engine and an independent validator.

Pure planning code like the rest of `optimizer/`: a `VrpInstance` in,
routes out. `optimizer.routing` builds one instance per depot and period
from the plan's deliveries (`depot`); `benchmarks.vrp` reads CVRPLIB and
Solomon files into the same type (`benchmarks.vrp_instances`), so both run
on one engine.
"""

from optimizer.vrp.engine import RoutingResult, solve_routes
from optimizer.vrp.problem import VehicleClass, VrpInstance
from optimizer.vrp.validate import Violation, validate

__all__ = [
    "RoutingResult",
    "VehicleClass",
    "Violation",
    "VrpInstance",
    "solve_routes",
    "validate",
]
