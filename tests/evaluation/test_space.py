"""Search spaces for tuning: what a file may say, and each way it can be wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaluation.space import Dimension, SpaceError, load_space, parse_space


class Recorder:
    """Answers a tuner's questions with the bounds it was asked about (a trial's shape)."""

    def __init__(self) -> None:
        self.asked: list[tuple[Any, ...]] = []

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False) -> float:
        self.asked.append(("float", name, low, high, log))
        return high

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False) -> int:
        self.asked.append(("int", name, low, high, log))
        return low

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any:
        self.asked.append(("choice", name, tuple(choices)))
        return choices[-1]


def test_a_space_of_every_kind_asks_the_tuner_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "space.toml"
    path.write_text(
        "[params.w]\nlow = 0.2\nhigh = 1\n"
        '[params.n]\nlow = 1\nhigh = 3\ntype = "int"\n'
        "[params.sd]\nlow = 0.1\nhigh = 2.0\nlog = true\n"
        '[params.mode]\nchoices = ["a", "b"]\n',
        encoding="utf-8",
    )
    space = load_space(path)
    assert space.dimensions[0] == Dimension("w", "float", low=0.2, high=1.0)
    trial = Recorder()
    assert space.suggest(trial) == {"w": 1.0, "n": 1, "sd": 2.0, "mode": "b"}
    assert trial.asked == [
        ("float", "w", 0.2, 1.0, False),
        ("int", "n", 1, 3, False),
        ("float", "sd", 0.1, 2.0, True),
        ("choice", "mode", ("a", "b")),
    ]
    assert space.middle() == {"w": 0.6, "n": 1, "sd": pytest.approx(0.2**0.5), "mode": "a"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "params: expected one or more [params.NAME] tables"),
        ({"params": {"w": {"low": 0, "high": 1}}, "extra": {}}, "extra: unknown table"),
        ({"params": {"w": 3}}, "params.w: expected a table"),
        ({"params": {"w": {"low": 0}}}, "params.w.high: expected a finite number"),
        ({"params": {"w": {"low": 1, "high": 1}}}, "params.w: expected low < high"),
        ({"params": {"w": {"low": 0, "high": 1, "step": 2}}}, "params.w.step: unknown key"),
        ({"params": {"w": {"low": 0, "high": 1, "type": "str"}}}, "params.w.type: expected"),
        ({"params": {"w": {"low": 0.5, "high": 3, "type": "int"}}}, "params.w.low: expected an"),
        ({"params": {"w": {"low": 0, "high": 1, "log": True}}}, "params.w.low: must be above 0"),
        ({"params": {"w": {"low": 0, "high": 1, "log": "yes"}}}, "params.w.log: expected true"),
        ({"params": {"w": {"choices": []}}}, "params.w.choices: expected a non-empty list"),
        ({"params": {"w": {"choices": ["a"], "low": 0}}}, "params.w: choices go alone"),
        ({"params": {"w": {"choices": [{"a": 1}]}}}, "params.w.choices: expected strings"),
        ({"params": {"w": {"low": True, "high": 2}}}, "params.w.low: expected a finite number"),
    ],
)
def test_a_bad_space_names_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(SpaceError) as caught:
        parse_space(data, where="s.toml")
    assert str(caught.value).startswith("s.toml: ")
    assert message in str(caught.value)


def test_a_file_that_is_not_toml_or_not_there_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[params.w\n", encoding="utf-8")
    with pytest.raises(SpaceError, match=r"bad.toml: not TOML"):
        load_space(bad)
    with pytest.raises(SpaceError, match=r"nope.toml: No such file"):
        load_space(tmp_path / "nope.toml")
