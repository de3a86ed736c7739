"""Recorded JSON matches what differs only in a float's last bits, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from tests.floats import assert_matches_recording


@pytest.mark.parametrize(
    ("actual", "recorded"),
    [
        (0.0020757823792676034, 0.002075782379267604),  # seen across two CPUs
        ({"t": [10.057968816844117, 1]}, {"t": [10.057968816844113, 1]}),
        (0.0, 1e-15),
        (3, 3.0),  # JSON writes a whole float as it likes
        ([float("nan"), float("inf")], [float("nan"), float("inf")]),
    ],
)
def test_last_bits_of_a_float_are_forgiven(actual: Any, recorded: Any) -> None:
    assert_matches_recording(actual, recorded)


@pytest.mark.parametrize(
    ("actual", "recorded", "where"),
    [
        ({"a": {"b": [1.0, 2.0]}}, {"a": {"b": [1.0, 2.000001]}}, r"\$\.a\.b\[1\]"),
        ({"a": 1}, {"a": 1, "b": 2}, r"\$: keys"),
        ([1.0], [1.0, 1.0], r"\$: 1 items != 2"),
        ({"on": True}, {"on": 1.0}, r"\$\.on: True != 1\.0"),
        ({"n": 2}, {"n": 3}, r"\$\.n: 2 != 3"),
        ({"kind": "down"}, {"kind": "up"}, r"\$\.kind"),
        ({"at": None}, {"at": 0.5}, r"\$\.at"),
        (float("nan"), 1.0, r"\$: nan"),
    ],
)
def test_any_other_difference_is_named_where_it_is(actual: Any, recorded: Any, where: str) -> None:
    with pytest.raises(AssertionError, match=where):
        assert_matches_recording(actual, recorded)
