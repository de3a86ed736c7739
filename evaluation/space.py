"""A policy's search space for tuning, read from TOML and checked before any run.

One table per parameter under ``[params]``::

    [params.end_cover_weight]        # a float in [low, high]
    low = 0.2
    high = 1.0

    [params.horizon_periods]         # an integer in [low, high]
    low = 1
    high = 3
    type = "int"

    [params.lead_sd_periods]         # sampled on a log scale
    low = 0.1
    high = 2.0
    log = true

    [params.mode]                    # one of a list
    choices = ["a", "b"]

Values reach the policy as text in its spec (``NAME[key=value,...]``), so
its own ``Params`` model validates them as it does on the command line.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

Kind = Literal["float", "int", "choice"]


class SpaceError(ValueError):
    """A search space file that does not load, naming the file and the field."""


class Suggests(Protocol):
    """What a tuner asks a parameter from (an Optuna trial has these methods)."""

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False) -> float: ...

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False) -> int: ...

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any: ...


@dataclass(frozen=True)
class Dimension:
    """One parameter's range or choices."""

    name: str
    kind: Kind
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    choices: tuple[str | int | float | bool, ...] = ()

    def suggest(self, trial: Suggests) -> str | int | float | bool:
        if self.kind == "choice":
            return trial.suggest_categorical(self.name, list(self.choices))  # type: ignore[no-any-return]
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)

    @property
    def middle(self) -> str | int | float | bool:
        """A value inside the space: what the check before the first trial tries."""
        if self.kind == "choice":
            return self.choices[0]
        if self.kind == "int":
            return int(self.low)
        return math.sqrt(self.low * self.high) if self.log else (self.low + self.high) / 2


@dataclass(frozen=True)
class SearchSpace:
    """The parameters a tuner varies, in file order."""

    dimensions: tuple[Dimension, ...]

    def suggest(self, trial: Suggests) -> dict[str, str | int | float | bool]:
        return {d.name: d.suggest(trial) for d in self.dimensions}

    def middle(self) -> dict[str, str | int | float | bool]:
        return {d.name: d.middle for d in self.dimensions}


def load_space(path: Path) -> SearchSpace:
    """The search space in `path` (`SpaceError` naming the file and field otherwise)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpaceError(f"{path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpaceError(f"{path}: not TOML: {exc}") from exc
    return parse_space(data, where=str(path))


def parse_space(data: Mapping[str, Any], *, where: str = "space") -> SearchSpace:
    """The search space a parsed TOML document describes."""
    extra = sorted(set(data) - {"params"})
    if extra:
        raise SpaceError(f"{where}: {extra[0]}: unknown table (expected [params.NAME])")
    params = data.get("params")
    if not isinstance(params, Mapping) or not params:
        raise SpaceError(f"{where}: params: expected one or more [params.NAME] tables")
    return SearchSpace(tuple(_dimension(name, spec, where) for name, spec in params.items()))


def _dimension(name: str, spec: Any, where: str) -> Dimension:
    field = f"{where}: params.{name}"
    if not isinstance(spec, Mapping):
        raise SpaceError(f"{field}: expected a table")
    extra = sorted(set(spec) - {"low", "high", "type", "log", "choices"})
    if extra:
        raise SpaceError(f"{field}.{extra[0]}: unknown key (low, high, type, log, choices)")
    if "choices" in spec:
        choices = spec["choices"]
        if set(spec) - {"choices"}:
            raise SpaceError(f"{field}: choices go alone, without low, high, type or log")
        if not isinstance(choices, list) or not choices:
            raise SpaceError(f"{field}.choices: expected a non-empty list")
        if not all(isinstance(c, str | int | float | bool) for c in choices):
            raise SpaceError(f"{field}.choices: expected strings, numbers or booleans")
        return Dimension(name, "choice", choices=tuple(choices))
    kind = spec.get("type", "float")
    if kind not in ("float", "int"):
        raise SpaceError(f"{field}.type: expected 'float' or 'int', got {kind!r}")
    bounds = []
    for key in ("low", "high"):
        value = spec.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise SpaceError(f"{field}.{key}: expected a finite number")
        if kind == "int" and value != int(value):
            raise SpaceError(f"{field}.{key}: expected an integer for type 'int'")
        bounds.append(float(value))
    low, high = bounds
    if not low < high:
        raise SpaceError(f"{field}: expected low < high, got {low:g} and {high:g}")
    log = spec.get("log", False)
    if not isinstance(log, bool):
        raise SpaceError(f"{field}.log: expected true or false")
    if log and low <= 0:
        raise SpaceError(f"{field}.low: must be above 0 on a log scale")
    return Dimension(name, kind, low=low, high=high, log=log)
