"""`supplysync tune` refuses bad input with exit 2, naming it, before Ray or any run starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.main import main
from tests.conftest import DEMO_SCENARIO, ROOT

SPACE = '[params.horizon_periods]\nlow = 1\nhigh = 3\ntype = "int"\n'


@pytest.mark.parametrize(
    ("args", "space", "message"),
    [
        (["--policy", "milp"], SPACE, "unknown parameter 'horizon_periods'"),
        (["--policy", "myopic:Myopic"], "[params.depth]\nlow = 1\nhigh = 2\n", "'depth'"),
        (["--policy", "myopic:Myopic"], "[params.horizon_periods]\nlow = 3\nhigh = 1\n", "low <"),
        (["--policy", "myopic:Myopic[horizon_periods=2]"], SPACE, "fixes 'horizon_periods'"),
        (["--policy", "myopic:Myopic", "--kpi", "joy"], SPACE, "KPI 'joy' is not measured"),
        (["--policy", "myopic:Myopic", "--seeds", "0"], SPACE, "held-out seeds must differ"),
        (["--policy", "myopic:Myopic", "--trials", "0"], SPACE, "--trials must be at least 1"),
        (["--policy", "myopic:Myopic", "--seeds", "x"], SPACE, "expected integers"),
    ],
)
def test_bad_input_exits_2_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    space: str,
    message: str,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    path = tmp_path / "space.toml"
    path.write_text(space, encoding="utf-8")
    out = tmp_path / "o"
    argv = ["tune", "--space", str(path), "--scenarios", str(DEMO_SCENARIO), "--out", str(out)]
    assert main([*argv, *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
