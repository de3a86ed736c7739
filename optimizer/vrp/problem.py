"""A vehicle routing problem as plain numbers, independent of any solver.

Benchmarks (CVRPLIB, Solomon) and the system's own per-depot delivery
problems meet here, so one engine and one validator serve both. Everything
the solver sees is an integer: distances in the instance's cost unit times
`scale` (Solomon's one-decimal distances become tenths), times in one
integer unit shared by travel times, windows, service and shifts. Node 0 is
the depot; clients are 1..n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class VehicleClass:
    """Identical vehicles that leave the depot together.

    Attributes:
        count: how many are available (an unlimited fleet is one per client).
        capacity: load each carries, in the demand unit.
        start: departure time; vehicles leave exactly then and wait at
            clients that are not open yet.
        shift: longest route duration (back at the depot minus `start`);
            `None` when only the depot's closing time limits it.
        travel: index into `VrpInstance.durations` (one matrix per speed).
        special: may serve clients marked `special_only` (refrigerated).
        unit_cost: cost per distance unit, for mixed fleets.
        fixed_cost: cost of using one vehicle, in distance-cost units.
        name: label for reports.
    """

    count: int
    capacity: int
    start: int = 0
    shift: int | None = None
    travel: int = 0
    special: bool = False
    unit_cost: int = 1
    fixed_cost: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("Expected count >= 1.")
        if min(self.capacity, self.start, self.unit_cost, self.fixed_cost) < 0:
            raise ValueError("Expected capacity, start, unit_cost and fixed_cost >= 0.")
        if self.shift is not None and self.shift < 0:
            raise ValueError("Expected shift >= 0.")


@dataclass(frozen=True)
class VrpInstance:
    """One routing problem: a depot, clients and a fleet.

    Attributes:
        name: instance name (file stem for benchmark files).
        distances: (n+1)x(n+1) integer distances, instance cost units times `scale`.
        demands: n+1 demands (depot 0).
        vehicles: the fleet, by class.
        scale: integer distances per instance cost unit (1, or 10 for Solomon).
        coords: (n+1)x2 coordinates when the file has them (for plots only).
        ready: n+1 earliest service starts (depot: opening); `None` without windows.
        due: n+1 latest service starts (depot: latest return).
        service: n+1 service durations.
        durations: travel-time matrices, one per `VehicleClass.travel`; when
            empty, travel time equals distance (the Solomon convention).
        special_only: n+1 flags of clients only special vehicles may serve.
        prizes: n+1 values of serving each client, in distance-cost units;
            `None` means every client must be served, otherwise a client may
            be left out at the price of its prize.
        bks: best-known cost, in instance units, when known.
        family: benchmark family for summary lines (e.g. "CVRPLIB-X").
    """

    name: str
    distances: IntArray
    demands: IntArray
    vehicles: tuple[VehicleClass, ...]
    scale: int = 1
    coords: NDArray[np.float64] | None = None
    ready: IntArray | None = None
    due: IntArray | None = None
    service: IntArray | None = None
    durations: tuple[IntArray, ...] = field(default=())
    special_only: BoolArray | None = None
    prizes: IntArray | None = None
    bks: float | None = None
    family: str = ""

    def __post_init__(self) -> None:
        n = len(self.demands)
        if n < 1 or self.distances.shape != (n, n):
            raise ValueError("Expected an (n+1)x(n+1) distance matrix for n+1 demands.")
        if not self.vehicles:
            raise ValueError("Expected at least one vehicle class.")
        if self.scale < 1:
            raise ValueError("Expected scale >= 1.")
        for arr in (self.ready, self.due, self.service, self.special_only, self.prizes):
            if arr is not None and arr.shape != (n,):
                raise ValueError("Expected per-node arrays of length n+1.")
        for mat in self.durations:
            if mat.shape != (n, n):
                raise ValueError("Expected (n+1)x(n+1) duration matrices.")
        if any(v.travel >= max(1, len(self.durations)) for v in self.vehicles):
            raise ValueError("Expected every vehicle class's travel index to name a matrix.")
        for arr in (self.distances, self.demands, *self.durations):
            arr.flags.writeable = False

    @property
    def num_clients(self) -> int:
        return len(self.demands) - 1

    @property
    def has_windows(self) -> bool:
        return self.ready is not None and self.due is not None

    def travel(self, vehicle_class: int) -> IntArray:
        """Travel-time matrix of a vehicle class."""
        if not self.durations:
            return self.distances
        return self.durations[self.vehicles[vehicle_class].travel]

    def cost_of(self, routes: list[list[int]]) -> float:
        """Total distance of `routes` in instance units, recomputed from the matrix."""
        total = 0
        for route in routes:
            path = [0, *route, 0]
            total += int(sum(self.distances[a, b] for a, b in pairwise(path)))
        return total / self.scale
