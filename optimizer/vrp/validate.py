"""An independent check of routes against the instance they claim to solve.

Written from the problem statement, not from the solver's model: it walks
each route with the instance's own matrices, waits at clients that are not
open yet, and recomputes the cost. A solver bug, a wrong index shift or a
rounding mistake in the mapping shows up here as a violation rather than
as a benchmark number too good to be true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from optimizer.vrp.problem import VrpInstance

KINDS = ("unknown", "duplicate", "missing", "vehicle", "capacity", "window", "shift", "fleet")


@dataclass(frozen=True)
class Violation:
    """One broken rule: its kind (one of `KINDS` or "cost"), the route, and what broke."""

    kind: str
    route: int | None
    detail: str


def validate(
    instance: VrpInstance,
    routes: Sequence[Sequence[int]],
    vehicle_classes: Sequence[int] | None = None,
    *,
    cost: float | None = None,
    cost_tolerance: float = 1e-6,
) -> list[Violation]:
    """Every violation of `routes` on `instance`; an empty list means feasible.

    Args:
        instance: the problem.
        routes: client indices (1..n) in visiting order, one list per vehicle.
        vehicle_classes: the vehicle class of each route; class 0 if omitted.
        cost: a claimed total distance in instance units, checked against the
            distance matrix when given.
        cost_tolerance: absolute slack for the cost check.
    """
    classes = list(vehicle_classes) if vehicle_classes is not None else [0] * len(routes)
    if len(classes) != len(routes):
        return [Violation("vehicle", None, f"{len(routes)} routes but {len(classes)} classes")]
    out: list[Violation] = []
    n = instance.num_clients
    seen: Counter[int] = Counter()
    for r, (route, k) in enumerate(zip(routes, classes, strict=True)):
        if not 0 <= k < len(instance.vehicles):
            out.append(Violation("vehicle", r, f"no vehicle class {k}"))
            continue
        bad = [c for c in route if not 1 <= c <= n]
        out += [Violation("unknown", r, f"client {c} not in 1..{n}") for c in bad]
        seen.update(c for c in route if 1 <= c <= n)
        if not bad:
            out += _route_violations(instance, r, list(route), k)
    out += [Violation("duplicate", None, f"client {c} visited {m} times") for c, m in _many(seen)]
    if instance.prizes is None:
        out += [Violation("missing", None, f"client {c} not visited") for c in _missing(seen, n)]
    used = Counter(classes)
    for k, m in sorted(used.items()):
        if 0 <= k < len(instance.vehicles) and m > instance.vehicles[k].count:
            out.append(
                Violation(
                    "fleet",
                    None,
                    f"{m} routes of class {k}, fleet has {instance.vehicles[k].count}",
                )
            )
    if cost is not None:
        total = _distance(instance, routes) / instance.scale
        if abs(total - cost) > cost_tolerance:
            out.append(Violation("cost", None, f"claimed {cost}, matrix gives {total}"))
    return out


def _route_violations(instance: VrpInstance, r: int, route: list[int], k: int) -> list[Violation]:
    vehicle = instance.vehicles[k]
    out = []
    load = sum(int(instance.demands[c]) for c in route)
    if load > vehicle.capacity:
        out.append(Violation("capacity", r, f"load {load} > capacity {vehicle.capacity}"))
    if instance.special_only is not None and not vehicle.special:
        out += [
            Violation("vehicle", r, f"client {c} needs a special vehicle")
            for c in route
            if instance.special_only[c]
        ]
    if instance.has_windows or vehicle.shift is not None:
        out += _timing(instance, r, route, k)
    return out


def _timing(instance: VrpInstance, r: int, route: list[int], k: int) -> list[Violation]:
    """Drive the route from the vehicle's departure, waiting when early."""
    vehicle, travel = instance.vehicles[k], instance.travel(k)
    ready, due, service = instance.ready, instance.due, instance.service
    clock = vehicle.start if ready is None else max(vehicle.start, int(ready[0]))
    out, here = [], 0
    for c in route:
        clock += int(travel[here, c])
        if ready is not None:
            clock = max(clock, int(ready[c]))
        if due is not None and clock > due[c]:
            out.append(Violation("window", r, f"client {c} reached at {clock} > due {due[c]}"))
        clock += int(service[c]) if service is not None else 0
        here = c
    clock += int(travel[here, 0])
    if due is not None and clock > due[0]:
        out.append(Violation("window", r, f"back at the depot at {clock} > {due[0]}"))
    if vehicle.shift is not None and clock - vehicle.start > vehicle.shift:
        out.append(Violation("shift", r, f"duration {clock - vehicle.start} > {vehicle.shift}"))
    return out


def _distance(instance: VrpInstance, routes: Sequence[Sequence[int]]) -> int:
    total = 0
    for route in routes:
        path = [0, *route, 0]
        total += sum(int(instance.distances[a, b]) for a, b in pairwise(path))
    return total


def _many(seen: Counter[int]) -> list[tuple[int, int]]:
    return sorted((c, m) for c, m in seen.items() if m > 1)


def _missing(seen: Counter[int], n: int) -> list[int]:
    return [c for c in range(1, n + 1) if c not in seen]
