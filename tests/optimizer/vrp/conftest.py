"""Fixtures for the routing-engine tests: the shared benchmark data and a tiny instance.

The benchmark files live in `../shared/data` beside the project (not copied
into it); tests that read them skip, saying so, where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.vrp import VehicleClass, VrpInstance
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared" / "data"


def shared(relative: str) -> Path:
    """A file of the shared benchmark data, or skip the test when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared benchmark data not found at {path}")
    return path


@pytest.fixture
def tiny() -> VrpInstance:
    """A depot at the origin and four clients 10 away on the axes.

    Client 1 north, 2 east (opens at 45), 3 south (due by 15), 4 west (needs
    the special vehicle). Two ordinary vehicles of capacity 5 with no shift,
    one special vehicle with a 30-unit shift; the depot closes at 60;
    service takes 5. Routes [1, 2], [3] and [4] on classes 0, 0, 1 are
    feasible (the first is back exactly at 60, after waiting at 2) and
    cost 74.
    """
    xy = np.array([(0, 0), (0, 10), (10, 0), (0, -10), (-10, 0)], dtype=float)
    diff = xy[:, None, :] - xy[None, :, :]
    return VrpInstance(
        name="tiny",
        distances=np.rint(np.hypot(diff[..., 0], diff[..., 1])).astype(np.int64),
        demands=np.array([0, 3, 2, 3, 1]),
        vehicles=(
            VehicleClass(count=2, capacity=5),
            VehicleClass(count=1, capacity=5, special=True, shift=30),
        ),
        coords=xy,
        ready=np.array([0, 0, 45, 0, 0]),
        due=np.array([60, 100, 100, 15, 100]),
        service=np.array([0, 5, 5, 5, 5]),
        special_only=np.array([False, False, False, False, True]),
    )
