"""Comparing recorded JSON with what the code gives now, floats to their last few bits.

Recordings (`tests/agents/data/*.json`) are written on one machine and
read on others. numpy picks its vectorised loops by the CPU it runs on
(this AMD EPYC offers AVX2, not AVX-512), and the same pinned numpy gave
a fitted wear trend of 0.0020757823792676034 here against ...604 where
the recording was written, while every alert, decision and state was the
same. Everything else is compared exactly:
keys, lengths, strings, booleans, integers, None.
"""

from __future__ import annotations

import math
from typing import Any

REL = 1e-9
"""Relative tolerance: a million times a double's rounding, far below any figure a test pins."""


def assert_matches_recording(actual: Any, recorded: Any, path: str = "$") -> None:
    """Raise AssertionError naming the first place `actual` differs from `recorded`.

    Floats may differ by `REL` relatively (or 1e-12 absolutely, near zero);
    NaN matches NaN, as in a memory that has not seen a reading yet.
    """
    if (
        isinstance(recorded, float)
        and isinstance(actual, float | int)
        and not isinstance(actual, bool)
    ):
        both_nan = math.isnan(actual) and math.isnan(recorded)
        if not both_nan and not math.isclose(actual, recorded, rel_tol=REL, abs_tol=1e-12):
            raise AssertionError(f"{path}: {actual!r} != {recorded!r}")
        return
    if type(actual) is not type(recorded):
        raise AssertionError(f"{path}: {actual!r} != {recorded!r} (types differ)")
    if isinstance(recorded, dict):
        if actual.keys() != recorded.keys():
            raise AssertionError(f"{path}: keys {sorted(actual)} != {sorted(recorded)}")
        for key, value in recorded.items():
            assert_matches_recording(actual[key], value, f"{path}.{key}")
    elif isinstance(recorded, list):
        if len(actual) != len(recorded):
            raise AssertionError(f"{path}: {len(actual)} items != {len(recorded)}")
        for i, (a, r) in enumerate(zip(actual, recorded, strict=True)):
            assert_matches_recording(a, r, f"{path}[{i}]")
    elif actual != recorded:
        raise AssertionError(f"{path}: {actual!r} != {recorded!r}")
