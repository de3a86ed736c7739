"""Readers for the benchmark formats: CVRPLIB `.vrp` and Solomon `.txt`.

Each applies the distance convention its best-known solutions assume, so a
cost we compute is comparable with the `.sol` beside the file: CVRPLIB
rounds Euclidean distances to the nearest integer; Solomon instances use
distances truncated to one decimal (the DIMACS convention), kept exact as
integer tenths. A malformed file raises `InstanceFormatError` naming the
file and the line, because a benchmark over dozens of files is useless if
it only says "could not convert string to float".
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from optimizer.vrp.problem import IntArray, VehicleClass, VrpInstance


class InstanceFormatError(ValueError):
    """A benchmark file that does not follow its format."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line = path, line


def read_instance(path: str | Path) -> VrpInstance:
    """Read a `.vrp` (CVRPLIB) or `.txt` (Solomon) file, with the BKS of its `.sol`."""
    path = Path(path)
    if path.suffix.lower() == ".vrp":
        return read_cvrplib(path)
    if path.suffix.lower() == ".txt":
        return read_solomon(path)
    raise InstanceFormatError(path, 0, "expected a .vrp (CVRPLIB) or .txt (Solomon) file")


def read_bks(path: Path) -> float | None:
    """Best-known cost from the `.sol` beside an instance (last line `Cost N`)."""
    sol = path.with_suffix(".sol")
    if not sol.exists():
        return None
    lines = [(i, s.strip()) for i, s in enumerate(sol.read_text().splitlines(), 1) if s.strip()]
    if not lines:
        raise InstanceFormatError(sol, 1, "empty solution file")
    number, last = lines[-1]
    match = re.fullmatch(r"Cost\s+([0-9.eE+-]+)", last)
    if match is None:
        raise InstanceFormatError(sol, number, f"expected 'Cost N' as the last line, got {last!r}")
    return _number(sol, number, match.group(1))


def read_cvrplib(path: Path) -> VrpInstance:
    """A CVRPLIB instance: EUC_2D or explicit weights, one depot, capacity.

    The fleet is the comment's number of trucks (Augerat's and Eilon's sets
    say "No of trucks: 5"). The X set states none: its `-kN` is only the
    fewest routes possible, and its best-known solutions use more (X-n101-k25
    takes 26), so the fleet is then unlimited.
    """
    lines = path.read_text().splitlines()
    spec: dict[str, tuple[int, str]] = {}
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text == "EOF":
            continue
        head = text.split()[0].rstrip(":").upper()
        if head.endswith("_SECTION"):
            current = []
            sections[head] = (number, current)
        elif ":" in text and not text[0].isdigit() and not text.startswith("-"):
            key, _, value = text.partition(":")
            spec[key.strip().upper()] = (number, value.strip())
            current = None
        elif current is not None:
            current.append((number, text.split()))
        else:
            raise InstanceFormatError(path, number, f"unexpected line {text!r}")
    dim = _int(path, *_field(path, spec, "DIMENSION"))
    capacity = _int(path, *_field(path, spec, "CAPACITY"))
    coords = None
    weight_type = _field(path, spec, "EDGE_WEIGHT_TYPE")[1].upper()
    if weight_type == "EUC_2D":
        coords = _table(path, sections, "NODE_COORD_SECTION", dim, 2).astype(np.float64)
        diff = coords[:, None, :] - coords[None, :, :]
        distances = np.rint(np.hypot(diff[..., 0], diff[..., 1])).astype(np.int64)
    elif weight_type == "EXPLICIT":
        distances = _explicit(path, spec, sections, dim)
    else:
        raise InstanceFormatError(path, spec["EDGE_WEIGHT_TYPE"][0], f"unsupported {weight_type}")
    demands = _table(path, sections, "DEMAND_SECTION", dim, 1)[:, 0].astype(np.int64)
    depot = _depot(path, sections, dim)
    order = [depot, *(i for i in range(dim) if i != depot)]
    comment = spec.get("COMMENT", (0, ""))[1]
    trucks = re.search(r"trucks:\s*(\d+)", comment, re.IGNORECASE)
    count = int(trucks.group(1)) if trucks else dim - 1
    return VrpInstance(
        name=spec.get("NAME", (0, path.stem))[1] or path.stem,
        distances=np.ascontiguousarray(distances[np.ix_(order, order)]),
        demands=demands[order],
        vehicles=(VehicleClass(count=count, capacity=capacity),),
        coords=None if coords is None else coords[order],
        bks=read_bks(path),
        family="CVRPLIB-" + path.stem.split("-")[0],
    )


def read_solomon(path: Path) -> VrpInstance:
    """A Solomon VRPTW instance; distances and times in integer tenths."""
    rows = [(i, s.split()) for i, s in enumerate(path.read_text().splitlines(), 1) if s.strip()]
    heads = [i for i, (_, words) in enumerate(rows) if words and words[0].upper() == "VEHICLE"]
    if not heads or heads[0] + 2 >= len(rows):
        raise InstanceFormatError(path, rows[-1][0] if rows else 1, "no VEHICLE section")
    number, fleet = rows[heads[0] + 2]
    if len(fleet) != 2:
        raise InstanceFormatError(path, number, "expected 'NUMBER CAPACITY' under VEHICLE")
    count, capacity = (_int(path, number, w) for w in fleet)
    table = [(n, words) for n, words in rows[heads[0] + 3 :] if words[0].replace(".", "").isdigit()]
    if not table:
        raise InstanceFormatError(path, number, "no customer rows after VEHICLE")
    data = []
    for n, words in table:
        if len(words) != 7:
            raise InstanceFormatError(path, n, f"expected 7 columns, got {len(words)}")
        values = [_number(path, n, w) for w in words]
        if values[4] > values[5]:
            raise InstanceFormatError(path, n, "ready time after due date")
        data.append(values)
    arr = np.array(data)
    if list(arr[:, 0].astype(int)) != list(range(len(arr))):
        raise InstanceFormatError(path, table[0][0], "customers must be numbered 0..n in order")
    coords = arr[:, 1:3]
    diff = coords[:, None, :] - coords[None, :, :]
    tenths = np.floor(10 * np.hypot(diff[..., 0], diff[..., 1])).astype(np.int64)
    return VrpInstance(
        name=rows[0][1][0] if rows[0][1] else path.stem,
        distances=tenths,
        demands=arr[:, 3].astype(np.int64),
        vehicles=(VehicleClass(count=count, capacity=capacity),),
        scale=10,
        coords=coords,
        ready=np.rint(10 * arr[:, 4]).astype(np.int64),
        due=np.rint(10 * arr[:, 5]).astype(np.int64),
        service=np.rint(10 * arr[:, 6]).astype(np.int64),
        bks=read_bks(path),
        family="Solomon",
    )


def _field(path: Path, spec: dict[str, tuple[int, str]], key: str) -> tuple[int, str]:
    if key not in spec:
        raise InstanceFormatError(path, 1, f"missing {key}")
    return spec[key]


def _number(path: Path, line: int, word: str) -> float:
    try:
        return float(word)
    except ValueError:
        raise InstanceFormatError(path, line, f"expected a number, got {word!r}") from None


def _int(path: Path, line: int, word: str) -> int:
    value = _number(path, line, word)
    if value != int(value) or value < 0:
        raise InstanceFormatError(path, line, f"expected a non-negative integer, got {word!r}")
    return int(value)


def _section(
    path: Path, sections: dict[str, tuple[int, list[tuple[int, list[str]]]]], name: str
) -> tuple[int, list[tuple[int, list[str]]]]:
    if name not in sections:
        raise InstanceFormatError(path, 1, f"missing {name}")
    return sections[name]


def _table(
    path: Path,
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]],
    name: str,
    dim: int,
    width: int,
) -> NDArray[np.float64]:
    """Rows `id v1 .. v_width` for nodes 1..dim, in any order, as a (dim, width) array."""
    start, body = _section(path, sections, name)
    out = np.full((dim, width), np.nan)
    for number, words in body:
        if len(words) != width + 1:
            raise InstanceFormatError(path, number, f"expected {width + 1} values in {name}")
        node = _int(path, number, words[0])
        if not 1 <= node <= dim:
            raise InstanceFormatError(path, number, f"node {node} outside 1..{dim}")
        out[node - 1] = [_number(path, number, w) for w in words[1:]]
    if np.isnan(out).any():
        missing = int(np.argwhere(np.isnan(out))[0][0]) + 1
        raise InstanceFormatError(path, start, f"{name} has no row for node {missing}")
    return out


def _depot(
    path: Path, sections: dict[str, tuple[int, list[tuple[int, list[str]]]]], dim: int
) -> int:
    start, body = _section(path, sections, "DEPOT_SECTION")
    depots = [_number(path, n, words[0]) for n, words in body if words[0] != "-1"]
    if len(depots) != 1 or not 1 <= depots[0] <= dim:
        raise InstanceFormatError(path, start, "expected exactly one depot in 1..DIMENSION")
    return int(depots[0]) - 1


def _explicit(
    path: Path,
    spec: dict[str, tuple[int, str]],
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]],
    dim: int,
) -> IntArray:
    """An EXPLICIT weight section as a full symmetric matrix."""
    fmt_line, fmt = _field(path, spec, "EDGE_WEIGHT_FORMAT")
    start, body = _section(path, sections, "EDGE_WEIGHT_SECTION")
    values = [_number(path, n, w) for n, words in body for w in words]
    pairs = {
        "FULL_MATRIX": [(i, j) for i in range(dim) for j in range(dim)],
        "LOWER_ROW": [(i, j) for i in range(dim) for j in range(i)],
        "LOWER_DIAG_ROW": [(i, j) for i in range(dim) for j in range(i + 1)],
        "UPPER_ROW": [(i, j) for i in range(dim) for j in range(i + 1, dim)],
        "UPPER_DIAG_ROW": [(i, j) for i in range(dim) for j in range(i, dim)],
    }.get(fmt.upper())
    if pairs is None:
        raise InstanceFormatError(path, fmt_line, f"unsupported EDGE_WEIGHT_FORMAT {fmt}")
    if len(values) != len(pairs):
        raise InstanceFormatError(path, start, f"expected {len(pairs)} weights, got {len(values)}")
    out = np.zeros((dim, dim), dtype=np.int64)
    for (i, j), v in zip(pairs, values, strict=True):
        out[i, j] = out[j, i] = round(v)
    return out
