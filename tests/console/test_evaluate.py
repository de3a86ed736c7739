"""`supplysync evaluate` refuses bad input with exit 2, naming it, before starting anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.evaluate import parse_seeds
from console.main import main
from tests.conftest import DEMO_SCENARIO


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policies", "reorder_point,nope"], "unknown policy 'nope'"),  # not a policy
        (["--policies", "milp,reorder_tuned", "--param", "k=1"], "none of the policies named"),
        (["--policies", "milp,reorder_tuned,no_mod:X"], "cannot import 'no_mod'"),
        (["--seeds", "0,x"], "--seeds: expected integers"),  # not a number
        (["--seeds", "5-2"], "--seeds"),  # an empty range
        (["--train-seeds", "a"], "--train-seeds: expected integers"),  # not a number
        (["--seeds", "1000"], "disjoint from seeds"),  # tuning on an evaluation seed
        (["--kpi", "no_such_cost"], "KPI 'no_such_cost' is not measured"),  # unknown KPI
        (["--workers", "0"], "--workers must be at least 1"),  # nobody to run
        (["--days", "9"], "--days must be between 1 and 7"),  # longer than the scenario
        (["--candidate", "static", "--policies", "milp,reorder_tuned"], "candidate 'static'"),
        (["--scenarios", "/nonexistent/x.toml"], "/nonexistent/x.toml: no such file"),
        (["--scenarios", "BAD"], "capacity_units"),  # a scenario that does not validate
        (["--grid-z", "1,x"], "--grid-z: not a comma-separated list"),  # not a number
        (["--grid-cover", "0"], "cover_days"),  # an order must bring some days
        (["--grid-z", "-1"], "z"),  # a negative safety factor
    ],
)
def test_bad_input_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO_SCENARIO.read_text().replace("capacity_units = 9000", "capacity_units = 0"))
    args = [str(bad) if a == "BAD" else a for a in args]
    if "--scenarios" not in args:
        args = ["--scenarios", str(DEMO_SCENARIO), *args]
    code = main(
        ["evaluate", "--kpi", "inventory_carrying_cost", "--out", str(tmp_path / "o"), *args]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("0,1,2", (0, 1, 2)), ("0-3", (0, 1, 2, 3)), ("0-1, 7", (0, 1, 7)), ("5", (5,))],
)
def test_seed_lists(text: str, seeds: tuple[int, ...]) -> None:
    assert parse_seeds(text) == seeds
