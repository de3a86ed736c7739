"""The routing engine: PyVRP's hybrid genetic search on a `VrpInstance`.

One entry point, `solve_routes`, serves the benchmark files and the
system's per-depot delivery problems alike, so the gaps the benchmark
prints are the gaps of the routes the planner sends out.

Mapping choices:

- Vehicles leave exactly at their class's `start` (`tw_early = start_late`)
  and wait at clients that are not open yet; `shift` becomes PyVRP's
  `shift_duration` with no overtime. This is the clock the system's trip
  timing uses, so a route PyVRP calls feasible keeps its times there.
- Clients only special (refrigerated) vehicles may serve are handled in one
  problem, not one per vehicle class: each combination of travel matrix and
  "may not serve special clients" gets its own routing profile, in which
  every arc to or from a special-only client costs PyVRP's `MAX_VALUE` in
  distance and duration. Any route using one breaks its shift or windows,
  hence is infeasible. One problem lets dry goods ride on a half-empty
  reefer, which one problem per vehicle class would forbid.
- Clients with prizes are optional (prize-collecting); the solver leaves
  out what no vehicle can reach in time or carry, at the price of its prize.
- Distance matrices are passed whole to `ProblemData.replace` rather than
  edge by edge: the X instances would otherwise build 40,000 Python edges.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.constants import MAX_VALUE
from pyvrp.stop import (
    MaxIterations,
    MaxRuntime,
    MultipleCriteria,
    NoImprovement,
    StoppingCriterion,
)

from optimizer.vrp.problem import IntArray, VrpInstance

UNBOUNDED = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class RoutingResult:
    """The best routes found within the budget.

    Attributes:
        routes: client indices (1..n) in visiting order, one tuple per route.
        vehicle_classes: index into `instance.vehicles` of each route.
        cost: total distance in the instance's own units (tenths scaled back).
        feasible: PyVRP found every required client served with no load,
            window or shift violation and no special-only client on an
            ordinary vehicle.
        unserved: optional clients left out.
        runtime_s: wall time including building the problem.
        iterations: search iterations completed.
    """

    routes: tuple[tuple[int, ...], ...]
    vehicle_classes: tuple[int, ...]
    cost: float
    feasible: bool
    unserved: tuple[int, ...]
    runtime_s: float
    iterations: int


def solve_routes(
    instance: VrpInstance,
    *,
    time_limit_s: float,
    seed: int = 0,
    no_improvement: int | None = None,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Route `instance` within `time_limit_s` seconds, reproducibly for a seed.

    Args:
        instance: the problem.
        time_limit_s: wall-time budget of the search.
        seed: seed of the search's random stream.
        no_improvement: also stop after this many iterations without a better
            solution; small delivery problems converge in milliseconds and
            should not spend their whole budget.
        max_iterations: also stop after this many iterations. A search that
            stops on iterations (or on `no_improvement`) before its time
            limit gives the same routes for the same seed on any machine;
            one cut off by the clock does not.
    """
    if time_limit_s <= 0:
        raise ValueError("Expected time_limit_s > 0.")
    if no_improvement is not None and no_improvement < 1:
        raise ValueError("Expected no_improvement >= 1.")
    if max_iterations is not None and max_iterations < 1:
        raise ValueError("Expected max_iterations >= 1.")
    started = time.perf_counter()
    if instance.num_clients == 0:
        return RoutingResult((), (), 0.0, True, (), time.perf_counter() - started, 0)
    criteria: list[StoppingCriterion] = [MaxRuntime(time_limit_s)]
    if no_improvement is not None:
        criteria.append(NoImprovement(no_improvement))
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
    result = pyvrp.solve(problem_data(instance), stop, seed=seed, collect_stats=False)
    routes, classes = [], []
    for route in result.best.routes():
        routes.append(tuple(a.idx + 1 for a in route if a.is_client()))
        classes.append(route.vehicle_type())
    served = {c for r in routes for c in r}
    return RoutingResult(
        routes=tuple(routes),
        vehicle_classes=tuple(classes),
        cost=instance.cost_of([list(r) for r in routes]),
        feasible=result.is_feasible()
        and result.best.is_complete()
        and not any(_misplaced(instance, r, k) for r, k in zip(routes, classes, strict=True)),
        unserved=tuple(i for i in range(1, instance.num_clients + 1) if i not in served),
        runtime_s=time.perf_counter() - started,
        iterations=result.num_iterations,
    )


def problem_data(instance: VrpInstance) -> pyvrp.ProblemData:
    """Build the instance with PyVRP's `Model`, then set its matrices in bulk."""
    inst, n = instance, instance.num_clients
    model = pyvrp.Model()
    xy = inst.coords if inst.coords is not None else np.zeros((n + 1, 2))
    locations = [model.add_location(float(x), float(y)) for x, y in xy]
    windows = inst.ready is not None and inst.due is not None
    depot = model.add_depot(
        locations[0],
        tw_early=int(inst.ready[0]) if inst.ready is not None else 0,
        tw_late=int(inst.due[0]) if inst.due is not None else UNBOUNDED,
    )
    for i in range(1, n + 1):
        model.add_client(
            locations[i],
            delivery=int(inst.demands[i]),
            service_duration=int(inst.service[i]) if inst.service is not None else 0,
            tw_early=int(inst.ready[i]) if windows and inst.ready is not None else 0,
            tw_late=int(inst.due[i]) if windows and inst.due is not None else UNBOUNDED,
            required=inst.prizes is None,
            prize=int(inst.prizes[i]) if inst.prizes is not None else 0,
        )
    keys = sorted({_profile_key(inst, k) for k in range(len(inst.vehicles))})
    profiles = {key: model.add_profile() for key in keys}
    for k, v in enumerate(inst.vehicles):
        late = v.start + v.shift if v.shift is not None else UNBOUNDED
        model.add_vehicle_type(
            num_available=v.count,
            capacity=v.capacity,
            start_depot=depot,
            end_depot=depot,
            tw_early=v.start,
            start_late=v.start,
            tw_late=late,
            shift_duration=v.shift if v.shift is not None else UNBOUNDED,
            unit_distance_cost=v.unit_cost,
            fixed_cost=v.fixed_cost,
            profile=profiles[_profile_key(inst, k)],
            name=v.name or str(k),
        )
    distances, durations = zip(*(_matrices(inst, *key) for key in keys), strict=True)
    return model.data().replace(
        distance_matrices=list(distances), duration_matrices=list(durations)
    )


def _profile_key(inst: VrpInstance, k: int) -> tuple[int, bool]:
    v = inst.vehicles[k]
    restricted = inst.special_only is not None and bool(inst.special_only.any()) and not v.special
    return v.travel, restricted


def _matrices(inst: VrpInstance, travel: int, restricted: bool) -> tuple[IntArray, IntArray]:
    distance = np.array(inst.distances, dtype=np.int64)
    duration = np.array(inst.durations[travel] if inst.durations else inst.distances, np.int64)
    if restricted and inst.special_only is not None:
        banned = inst.special_only.copy()
        banned[0] = False
        for mat in (distance, duration):
            mat[banned, :] = MAX_VALUE
            mat[:, banned] = MAX_VALUE
            np.fill_diagonal(mat, 0)
    return distance, duration


def _misplaced(inst: VrpInstance, route: tuple[int, ...], k: int) -> bool:
    """Whether an ordinary vehicle's route visits a special-only client."""
    if inst.special_only is None or inst.vehicles[k].special:
        return False
    return any(bool(inst.special_only[c]) for c in route)
