"""Benchmark readers: conventions of each format, the BKS, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.vrp_instances import InstanceFormatError, read_instance
from tests.optimizer.vrp.conftest import shared

CVRP = """\
NAME : T-n4-k2
COMMENT : (test, No of trucks: 2, Optimal value: 27)
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 1 1
DEMAND_SECTION
1 0
2 4
3 5
4 6
DEPOT_SECTION
1
-1
EOF
"""

SOLOMON = """\
T101

VEHICLE
NUMBER     CAPACITY
  3         50

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        230         0
    1      1          1         10         10         50         10
    2      3          4         20          0        100         10
"""


def _write(tmp_path: Path, name: str, text: str, sol: str | None = None) -> Path:
    path = tmp_path / name
    path.write_text(text)
    if sol is not None:
        path.with_suffix(".sol").write_text(sol)
    return path


def test_cvrplib_rounds_distances_and_reads_fleet_and_bks(tmp_path: Path) -> None:
    inst = read_instance(_write(tmp_path, "T-n4-k2.vrp", CVRP, "Route #1: 1 2\nCost 27\n"))
    assert inst.num_clients == 3
    assert inst.vehicles[0].capacity == 10 and inst.vehicles[0].count == 2
    assert inst.distances[0, 1] == 5 and inst.distances[0, 3] == 1  # sqrt(2) rounds to 1
    assert inst.distances[1, 3] == 4  # sqrt(13) = 3.61 rounds up
    assert list(inst.demands) == [0, 4, 5, 6]
    assert inst.bks == 27 and inst.scale == 1 and inst.family == "CVRPLIB-T"


def test_cvrplib_puts_the_depot_first_and_without_trucks_the_fleet_is_unlimited(
    tmp_path: Path,
) -> None:
    text = CVRP.replace("No of trucks: 2, ", "").replace("DEPOT_SECTION\n1", "DEPOT_SECTION\n3")
    inst = read_instance(_write(tmp_path, "T-n4-k2.vrp", text))
    assert list(inst.demands) == [5, 0, 4, 6]
    assert inst.distances[0, 1] == 10  # node 3 (6, 8) to node 1 (0, 0)
    assert inst.vehicles[0].count == 3 and inst.bks is None


def test_explicit_lower_row_weights_fill_a_symmetric_matrix(tmp_path: Path) -> None:
    text = (
        "NAME : T-n3-k1\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
        "EDGE_WEIGHT_FORMAT : LOWER_ROW\nCAPACITY : 9\nEDGE_WEIGHT_SECTION\n 7\n 8 9\n"
        "DEMAND_SECTION\n1 0\n2 1\n3 1\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
    inst = read_instance(_write(tmp_path, "T-n3-k1.vrp", text))
    assert inst.distances.tolist() == [[0, 7, 8], [7, 0, 9], [8, 9, 0]]


def test_solomon_truncates_distances_to_tenths_and_scales_times(tmp_path: Path) -> None:
    inst = read_instance(_write(tmp_path, "T101.txt", SOLOMON, "Route 1 : 1 2\nCost 12.4\n"))
    assert inst.scale == 10 and inst.num_clients == 2
    assert inst.distances[0, 1] == 14  # sqrt(2) = 1.414 -> 1.4
    assert inst.distances[1, 2] == 36  # sqrt(13) = 3.606 -> 3.6, truncated not rounded
    assert inst.ready is not None and list(inst.ready) == [0, 100, 0]
    assert inst.due is not None and list(inst.due) == [2300, 500, 1000]
    assert inst.service is not None and list(inst.service) == [0, 100, 100]
    assert inst.vehicles[0].count == 3 and inst.vehicles[0].capacity == 50
    assert inst.bks == pytest.approx(12.4) and inst.family == "Solomon"


# (file name, text, line the error names, words in the message)
MALFORMED = [
    # a coordinate that is not a number
    ("T-n4-k2.vrp", CVRP.replace("2 3 4", "2 3 x"), 9, "expected a number"),
    # a coordinate row with a value missing
    ("T-n4-k2.vrp", CVRP.replace("3 6 8", "3 6"), 10, "expected 3 values"),
    # no CAPACITY in the specification
    ("T-n4-k2.vrp", CVRP.replace("CAPACITY : 10\n", ""), 1, "missing CAPACITY"),
    # a DIMENSION that is not a whole number
    ("T-n4-k2.vrp", CVRP.replace("DIMENSION : 4", "DIMENSION : 4.5"), 4, "integer"),
    # a demand row for a node that does not exist
    ("T-n4-k2.vrp", CVRP.replace("4 6\nDEPOT", "5 6\nDEPOT"), 16, "outside 1..4"),
    # a node without a demand row: the section header is named
    ("T-n4-k2.vrp", CVRP.replace("4 6\nDEPOT", "DEPOT"), 12, "no row for node 4"),
    # a distance convention we do not implement
    ("T-n4-k2.vrp", CVRP.replace("EUC_2D", "GEO"), 5, "unsupported GEO"),
    # two depots
    ("T-n4-k2.vrp", CVRP.replace("1\n-1", "1\n2\n-1"), 17, "exactly one depot"),
    # a stray line outside any section
    ("T-n4-k2.vrp", CVRP.replace("TYPE : CVRP", "hello"), 3, "unexpected line"),
    # a Solomon customer row with a column missing
    ("T101.txt", SOLOMON.replace("10         50         10", "10         50"), 11, "7 columns"),
    # a Solomon customer whose window closes before it opens
    ("T101.txt", SOLOMON.replace("10         50         10", "60    50    10"), 11, "ready"),
    # a Solomon file without its VEHICLE section: the last line is named
    ("T101.txt", SOLOMON.replace("VEHICLE", "VEHICLES"), 12, "no VEHICLE section"),
]


@pytest.mark.parametrize(("name", "text", "line", "words"), MALFORMED)
def test_a_malformed_file_names_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, words: str
) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(InstanceFormatError, match=words) as caught:
        read_instance(path)
    assert (caught.value.path, caught.value.line) == (path, line)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert isinstance(caught.value, ValueError)


def test_a_solution_file_without_a_cost_line_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "T-n4-k2.vrp", CVRP, "Route #1: 1 2\nCost: unknown\n")
    with pytest.raises(InstanceFormatError, match="Cost N") as caught:
        read_instance(path)
    assert caught.value.path == path.with_suffix(".sol") and caught.value.line == 2


@pytest.mark.parametrize(
    ("relative", "clients", "capacity", "fleet", "bks"),
    [
        ("cvrp/A-n32-k5.vrp", 31, 100, 5, 784),
        ("cvrp/E-n13-k4.vrp", 12, 6000, 4, 247),  # explicit LOWER_ROW weights
        ("cvrp/X-n101-k25.vrp", 100, 206, 100, 27591),  # X: unlimited fleet, BKS uses 26
        ("vrptw/C101.txt", 100, 200, 25, 827.3),
        ("vrptw/RC201.txt", 100, 1000, 25, 1261.8),
    ],
)
def test_shared_instances_read_as_published(
    relative: str, clients: int, capacity: int, fleet: int, bks: float
) -> None:
    inst = read_instance(shared(relative))
    assert inst.num_clients == clients
    assert (inst.vehicles[0].capacity, inst.vehicles[0].count) == (capacity, fleet)
    assert inst.bks == pytest.approx(bks)
    assert np.array_equal(inst.distances, inst.distances.T)
    assert inst.demands[0] == 0


def test_solomon_c101_uses_dimacs_tenths() -> None:
    inst = read_instance(shared("vrptw/C101.txt"))
    # depot (40, 50) to customer 1 (45, 68): sqrt(349) = 18.68 -> 18.6
    assert inst.distances[0, 1] == 186
    assert inst.due is not None and inst.due[0] == 12360
